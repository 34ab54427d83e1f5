"""A council member reads and prints the reading version; a citizen sees what the Smart Poles
project delivers. Real browser, keyboard only, axe-core on every page."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participation.models import Project
from smartcity import services as smartcity_services
from smartcity.models import PoleGroup
from tests.e2e.conftest import tab_to
from tests.smartcity.factories import PoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def concept(db):
    from participation import demo

    with open(os.devnull, "w") as devnull:
        demo.load(stdout=devnull)


def assert_clean(page) -> None:
    assert page.watch.axe_violations() == [], page.url
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def test_the_reading_version_is_read_by_keyboard_and_prints_without_the_sites_navigation(
    page, concept
):
    page.goto("/mitmachen/konzept/")
    tab_to(page, "a[href$='/konzept/version-2/lesefassung/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/mitmachen/konzept/version-2/lesefassung/")
    main = page.inner_text("main")
    assert "Beschlossen von: Rat der Stadt Castrop-Rauxel" in main
    assert "2.5 Smarte und nachhaltige Mobilität" in main
    assert_clean(page)

    # The table of contents leads to the numbered section.
    tab_to(page, "nav.reading__toc a[href='#mobilitaet']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#mobilitaet$"))

    # On screen: the site's navigation and the print button.
    for selector in ("nav.site-nav", "nav.site-tools", "nav.part-nav", "button[data-print]"):
        assert visible(page, selector), selector

    page.emulate_media(media="print")
    for selector in ("nav.site-nav", "nav.site-tools", "nav.part-nav", ".reading__tools"):
        assert not visible(page, selector), selector
    assert not visible(page, "footer.site-footer")
    assert visible(page, "nav.reading__toc")
    assert visible(page, "h3#mobilitaet")
    assert visible(page, "#beschluesse")
    # Each chapter starts a new sheet.
    breaks = page.eval_on_selector_all(
        ".reading__chapter", "els => els.map(e => getComputedStyle(e).breakBefore)"
    )
    assert breaks
    assert set(breaks) == {"page"}
    page.emulate_media(media="screen")

    # The history links to the comparison of the versions.
    tab_to(page, "a.reading__diff")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Änderungen von Version 1 zu 2" in page.inner_text("h1")
    assert_clean(page)


def test_a_project_page_shows_the_live_figures_of_its_poles(page, concept):
    group = PoleGroup.objects.create(slug="e2e-masten", name="Testmasten")
    now = timezone.now() - timedelta(minutes=1)
    for number, pm10, clients in [("CR-301", 18.0, 5), ("CR-302", 24.0, 7)]:
        pole = PoleFactory(number=number)
        group.poles.add(pole)
        rows = [
            (pole.channels.get(key="pm10").pk, now, pm10),
            (pole.channels.get(key="wifi_clients").pk, now, clients),
        ]
        smartcity_services.readings_apply(rows=rows, evaluate=False)
    Project.objects.filter(slug="smart-poles").update(pole_group="e2e-masten")

    page.goto("/mitmachen/projekte/")
    tab_to(page, "main a[href$='/projekte/smart-poles/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    figures = " ".join(page.inner_text(".live-figures").split())
    assert "Masten in Betrieb 2 von 2" in figures
    assert "bis zu 12 Geräte gleichzeitig" in figures
    assert "Feinstaub PM10: 21,0 µg/m³ – gut" in figures
    assert "Geladene Energie in diesem Monat Noch keine Daten" in figures
    assert "Stand:" in figures
    assert_clean(page)
