"""The maps in the browser: without a tile server they say plainly that they have no background
and point to the address field; with one (played by a local HTTP server) the background and the
address search come through the portal, and the browser contacts no other host."""

import pytest
from playwright.sync_api import expect

from services.models import DefectReport
from tests.services.test_defects import REPORTER_EMAIL

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_map_without_a_background_says_so_and_points_to_the_address_field(
    page, live_server, defect_service, settings
):
    settings.MAP_TILE_URL = ""
    settings.GEOCODER_URL = ""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))

    page.goto("/services/maengel/melden/")
    page.wait_for_load_state("networkidle")

    note = page.locator("#defect-map-note")
    assert "Diese Karte hat keinen Hintergrund" in note.inner_text()
    link = note.locator("a")
    assert link.get_attribute("href") == "#id_address"
    assert "„Wo ist es?“" in link.inner_text()
    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#id_address"
    assert page.locator("#address-search").count() == 0  # no search without a geocoder
    assert not [url for url in asked if "/karte/" in url]
    assert "GeoBasis-DE / BKG" in page.inner_text(".leaflet-control-attribution")
    assert page.watch.axe_violations() == []

    page.goto("/smartcity/umwelt/")
    page.wait_for_load_state("networkidle")
    assert "Diese Karte hat keinen Hintergrund" in page.inner_text("main")
    assert page.watch.axe_violations() == []
    assert page.watch.foreign_requests == []
    assert page.watch.console_errors == []


def test_the_background_and_the_address_search_come_through_the_portal(
    page, live_server, defect_service, upstream
):
    page.goto("/services/maengel/melden/")
    page.wait_for_load_state("networkidle")

    tiles = page.locator("img.leaflet-tile-loaded")
    assert tiles.count() > 0
    assert tiles.first.get_attribute("src").startswith("/karte/kacheln/13/")
    assert upstream.asked("/tiles/")  # the portal fetched them
    assert "© Test-Kacheln" in page.inner_text(".leaflet-control-attribution")
    assert page.locator("#defect-map-note").count() == 0

    # A citizen types the street and chooses it from the results, by keyboard.
    page.check("input[name=category][value=road]")
    page.fill("#id_address", "Wittener Straße 1")
    page.focus("#address-search")
    page.keyboard.press("Enter")
    result = page.locator("#address-results button")
    result.first.wait_for()
    assert result.all_inner_texts() == ["Wittener Straße 1, 44575 Castrop-Rauxel"]  # not Munich
    assert "Gefundene Adressen: 1" in page.inner_text("#address-results")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == result.first.inner_text()
    page.keyboard.press("Enter")
    assert page.input_value("#id_latitude") == "51.552450"
    assert page.input_value("#id_longitude") == "7.311950"
    assert page.input_value("#id_address") == "Wittener Straße 1, 44575 Castrop-Rauxel"
    assert "Wittener Straße 1" in page.inner_text("#map-status")
    assert page.watch.axe_violations() == []

    # A click on the map fills in the address of the clicked place.
    page.fill("#id_address", "")
    page.click("#defect-map", position={"x": 150, "y": 120})
    # (expect, not wait_for_function: its polling evaluates a string, which our CSP forbids)
    expect(page.locator("#id_address")).not_to_have_value("")
    assert upstream.asked("/photon/reverse")
    assert page.input_value("#id_address") == "Wittener Straße 1, 44575 Castrop-Rauxel"

    page.fill("textarea[name=description]", "Schlagloch")
    page.fill("input[name=email]", REPORTER_EMAIL)
    page.click("button:has-text('Meldung senden')")
    page.wait_for_load_state()
    assert DefectReport.objects.get().address == "Wittener Straße 1, 44575 Castrop-Rauxel"
    assert page.watch.foreign_requests == []  # the tile server and geocoder: only the portal
    assert page.watch.console_errors == []
