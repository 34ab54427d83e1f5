"""The one city map: every map page starts from the same centre, zoom and city boundary, loads
Leaflet and the map module once through the shared include, and names a tile server only when
the city has configured one. Map points say in words what their colour shows."""

import html
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from participation import services as participation_services
from participation.models import FieldOfAction
from portal import maps
from portal.models import Role
from tests.factories import UserFactory
from tests.participation.conftest import make_process
from tests.services.test_defects import report
from tests.smartcity.factories import PoleFactory
from tests.smartcity.test_pages import fill

pytestmark = pytest.mark.django_db

TILE_URL = "https://karten.castrop-rauxel.example/{z}/{x}/{y}.png"  # the upstream
TILE_ATTRIBUTION = "© Stadt Castrop-Rauxel, OpenStreetMap"


@pytest.fixture
def map_pages(client, defect_service, citizen_a):
    """Every page with a map, seen by someone allowed to see it (operators see them all)."""
    operator = UserFactory(email="olga@stadt.example", staff=True, mfa=True)
    operator.groups.add(Group.objects.get_or_create(name=Role.OPERATOR.value)[0])
    PoleFactory(number="CR-001", name="Marktplatz")
    process = make_process("proposals")
    field = FieldOfAction.objects.create(slug="infrastruktur", name="Infrastruktur", order=1)
    proposal = participation_services.proposal_create(
        user=citizen_a,
        process=process,
        title="Trinkbrunnen",
        description="Am Marktplatz.",
        field_of_action=field,
        latitude=Decimal("51.553500"),
        longitude=Decimal("7.311000"),
    )
    client.force_login(operator)
    return [
        "/services/maengel/",
        "/services/maengel/melden/",
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/neu/",
        proposal.get_absolute_url(),
        "/smartcity/umwelt/",
        "/smartcity/betrieb/",
    ]


def map_config_of(page: str) -> dict:
    found = re.findall(r'<meta name="map-config" content="([^"]*)">', page)
    assert len(found) == 1
    return json.loads(html.unescape(found[0]))


def test_the_city_centre_lies_inside_the_city_boundary_and_its_bounds():
    config = maps.map_config()
    (south, west), (north, east) = config["bounds"]

    assert config["center"] == [51.5527, 7.3114]
    assert config["zoom"] == 13
    assert maps.in_city(latitude=config["center"][0], longitude=config["center"][1])
    assert all(south <= lat <= north and west <= lon <= east for lat, lon in config["boundary"])
    assert {south, north} <= {lat for lat, _lon in config["boundary"]}  # the box is tight
    assert {west, east} <= {lon for _lat, lon in config["boundary"]}
    assert "GeoBasis-DE / BKG" in config["boundary_attribution"]


@pytest.mark.parametrize(
    ("place", "latitude", "longitude", "inside"),
    [
        ("Europaplatz (town hall)", 51.5527, 7.3114, True),
        ("Castrop-Rauxel Hbf", 51.5726, 7.3097, True),
        ("Marienplatz, Munich", 48.1374, 11.5755, False),
        ("Dortmund Hbf", 51.5178, 7.4593, False),
        ("Herne, town hall", 51.5386, 7.2257, False),
        ("Recklinghausen, town hall", 51.6142, 7.1979, False),
        ("Ickern", 51.5953, 7.3437, True),
        # Inside the box around the city, but beyond its boundary.
        ("Recklinghausen-Suderwich", 51.6000, 7.2600, False),
    ],
)
def test_the_real_city_boundary_tells_places_in_the_city_from_places_outside(
    place, latitude, longitude, inside
):
    assert maps.in_city(latitude=latitude, longitude=longitude) is inside, place
    assert maps.in_city(latitude=Decimal(str(latitude)), longitude=Decimal(str(longitude))) is (
        inside
    )


def test_the_boundary_is_the_detailed_municipal_outline():
    assert len(maps.BOUNDARY) > 150
    (south, west), (north, east) = maps.BOUNDS
    # About 11.8 km north to south and 9 km west to east, as the city is.
    assert 0.09 < north - south < 0.12
    assert 0.11 < east - west < 0.15


def test_every_map_page_starts_from_the_same_centre_and_boundary(client, map_pages, settings):
    settings.MAP_TILE_URL = ""
    for path in map_pages:
        response = client.get(path)
        page = response.content.decode()

        assert response.status_code == 200, path
        assert map_config_of(page) == maps.map_config(), path
        assert page.count("vendor/leaflet/leaflet.js") == 1, path
        assert page.count("vendor/leaflet/leaflet.css") == 1, path
        assert page.count("js/map.js") == 1, path
        assert len(re.findall(r'\sdata-map="(show|pick|browse)"', page)) == 1, path


def test_map_pages_take_tiles_and_addresses_from_the_portal_never_from_the_upstream(
    client, map_pages, settings
):
    settings.MAP_TILE_URL = ""
    settings.GEOCODER_URL = ""
    for path in map_pages:
        config = map_config_of(client.get(path).content.decode())
        assert config["tiles"] is None, path
        assert config["geocoder"] is None, path
        assert "keinen Hintergrund" in config["text"]["no_tiles"], path

    settings.MAP_TILE_URL = TILE_URL
    settings.MAP_TILE_ATTRIBUTION = TILE_ATTRIBUTION
    settings.GEOCODER_URL = "https://geocoder.castrop-rauxel.example"
    for path in map_pages:
        page = client.get(path).content.decode()
        config = map_config_of(page)
        assert config["tiles"]["url"] == "/karte/kacheln/{z}/{x}/{y}", path
        assert config["tiles"]["attribution"] == TILE_ATTRIBUTION, path
        assert config["geocoder"] == {"search": "/karte/suche", "reverse": "/karte/adresse"}
        assert "castrop-rauxel.example" not in page, path


def test_pages_without_a_map_load_no_map_code(client, citizen_a):
    process = make_process("proposals")
    field = FieldOfAction.objects.create(slug="infrastruktur", name="Infrastruktur", order=1)
    placeless = participation_services.proposal_create(
        user=citizen_a,
        process=process,
        title="Digitale Sprechstunde",
        description="Per Video.",
        field_of_action=field,
        latitude=None,
        longitude=None,
    )
    pole = PoleFactory(number="CR-001", name="Marktplatz")

    for path in [placeless.get_absolute_url(), f"/smartcity/umwelt/{pole.number}/"]:
        page = client.get(path).content.decode()
        assert "leaflet" not in page, path
        assert "map-config" not in page, path


def test_defect_points_name_their_status_in_words(client, defect_service):
    found = report()

    feature = client.get("/services/maengel/karte.json").json()["features"][0]

    assert feature["geometry"]["coordinates"] == [7.312, 51.555]
    assert feature["properties"]["marker"] == "open"
    assert feature["properties"]["url"] == found.get_absolute_url()
    assert feature["properties"]["label"] == f"{found.case.reference}: Straßenschaden (Eingegangen)"


def test_pole_points_name_their_air_quality_band_or_state_in_words(client):
    pole = PoleFactory(number="CR-001", name="Marktplatz")
    fill(pole.channels.get(key="pm10"), hours=1, step=timedelta(minutes=10), value=42)
    operator = UserFactory(email="olga@stadt.example", staff=True, mfa=True)
    operator.groups.add(Group.objects.get_or_create(name=Role.OPERATOR.value)[0])

    public = client.get("/smartcity/umwelt/karte.json").json()["features"][0]["properties"]
    client.force_login(operator)
    operators = client.get("/smartcity/betrieb/karte.json").json()["features"][0]["properties"]

    assert public["marker"] == "moderate"
    assert public["label"] == "CR-001 Marktplatz: mäßig (PM10 über 35 bis 50 µg/m³)"
    assert operators["marker"] == operators["state"]
    assert operators["label"] == f"CR-001 Marktplatz: {operators['state_label']}"
