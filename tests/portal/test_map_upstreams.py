"""The maps' background and address search come from the portal's own origin: it fetches tiles
of the city (and only of the city) from the configured tile server and caches them, and asks the
configured Photon or Nominatim geocoder for addresses in the city. The servers outside are played
by a tiny local HTTP server (tests/portal/upstream.py)."""

import math

import pytest

from portal import maps

pytestmark = pytest.mark.django_db


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


TOWN_HALL = (51.5527, 7.3114)
MUNICH = (48.137, 11.575)


def tile_url(z: int, x: int, y: int) -> str:
    return f"/karte/kacheln/{z}/{x}/{y}"


def test_a_tile_of_the_city_comes_from_the_portal_and_the_upstream_is_asked_once(client, upstream):
    z, x, y = tile_of(*TOWN_HALL, 15)

    first = client.get(tile_url(z, x, y))
    second = client.get(tile_url(z, x, y))

    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert first.content == second.content == upstream.tile
    assert "max-age=" in first["Cache-Control"]
    assert first["ETag"] == second["ETag"]
    asked = upstream.asked("/tiles/")
    assert [path for path, _query, _headers in asked] == [f"/tiles/{z}/{x}/{y}.png"]
    assert asked[0][2]["User-Agent"].startswith("Castrop-Rauxel-Portal/")


def test_a_browser_holding_the_tile_gets_not_modified(client, upstream):
    path = tile_url(*tile_of(*TOWN_HALL, 16))
    etag = client.get(path)["ETag"]

    again = client.get(path, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "tile",
    [
        tile_of(*MUNICH, 15),  # another city
        tile_of(51.70, 7.3114, 15),  # 16 km north of the town hall
        tile_of(*TOWN_HALL, 5),  # half of Europe
        tile_of(*TOWN_HALL, 20),  # beyond the deepest zoom
        (15, 2**15, 0),  # no such tile
    ],
)
def test_the_proxy_serves_no_tile_outside_the_city(client, upstream, tile):
    response = client.get(tile_url(*tile))

    assert response.status_code == 404
    assert upstream.asked("/tiles/") == []


def test_the_tiles_at_the_city_edge_with_a_margin_are_served(client, upstream):
    (south, west), (north, east) = maps.BOUNDS
    corners = [(south - 0.01, west - 0.01), (north + 0.01, east + 0.01)]

    for lat, lon in corners:
        assert client.get(tile_url(*tile_of(lat, lon, 17))).status_code == 200


def test_without_a_tile_server_there_are_no_tiles(client, upstream, settings):
    settings.MAP_TILE_URL = ""

    assert client.get(tile_url(*tile_of(*TOWN_HALL, 15))).status_code == 404
    assert upstream.requests == []


def test_a_failing_tile_server_gives_a_bad_gateway_that_is_not_cached(client, upstream):
    path = tile_url(*tile_of(*TOWN_HALL, 15))
    upstream.tile_status = 500

    failed = client.get(path)
    upstream.tile_status = 200
    recovered = client.get(path)

    assert failed.status_code == 502
    assert failed["Cache-Control"] == "no-store"
    assert recovered.status_code == 200
    assert recovered.content == upstream.tile


def test_an_unreachable_tile_server_gives_a_bad_gateway(client, upstream, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # the discard port: refused

    assert client.get(tile_url(*tile_of(*TOWN_HALL, 15))).status_code == 502


def test_an_upstream_answer_that_is_no_image_is_not_passed_on(client, upstream, settings):
    settings.MAP_TILE_URL = upstream.url + "/photon/api?tile={z}/{x}/{y}"  # JSON, not an image

    assert client.get(tile_url(*tile_of(*TOWN_HALL, 15))).status_code == 502


@pytest.mark.parametrize("kind", ["photon", "nominatim"])
def test_the_address_search_finds_a_street_in_the_city_only(client, upstream, settings, kind):
    settings.GEOCODER_KIND = kind
    settings.GEOCODER_URL = f"{upstream.url}/{kind}"

    response = client.get("/karte/suche", {"q": "Wittener Straße 1"})

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "label": "Wittener Straße 1, 44575 Castrop-Rauxel",
                "latitude": 51.55245,
                "longitude": 7.31195,
            }
        ]
    }
    (_path, query, _headers) = upstream.requests[0]
    assert query["q"] == "Wittener Straße 1"
    box = query["bbox"] if kind == "photon" else query["viewbox"]
    corners = sorted(float(v) for v in box.split(","))
    (south, west), (north, east) = maps.BOUNDS
    assert corners == sorted([south, west, north, east])


def test_the_same_search_twice_asks_the_geocoder_once(client, upstream):
    client.get("/karte/suche", {"q": "Wittener Straße"})
    again = client.get("/karte/suche", {"q": "  Wittener   Straße "})

    assert again.json()["results"][0]["label"] == "Wittener Straße 1, 44575 Castrop-Rauxel"
    assert len(upstream.requests) == 1


@pytest.mark.parametrize("kind", ["photon", "nominatim"])
def test_a_point_in_the_city_gets_its_address(client, upstream, settings, kind):
    settings.GEOCODER_KIND = kind
    settings.GEOCODER_URL = f"{upstream.url}/{kind}"

    response = client.get("/karte/adresse", {"lat": "51.552431", "lon": "7.311987"})

    assert response.status_code == 200
    assert response.json()["result"]["label"] == "Wittener Straße 1, 44575 Castrop-Rauxel"
    assert upstream.requests[0][0] == f"/{kind}/reverse"


def test_a_point_outside_the_city_gets_no_address_and_a_reason(client, upstream):
    response = client.get("/karte/adresse", {"lat": MUNICH[0], "lon": MUNICH[1]})

    assert response.status_code == 400
    assert "außerhalb von Castrop-Rauxel" in response.json()["error"]
    assert upstream.requests == []


@pytest.mark.parametrize("query", [{"lat": "nord", "lon": "7.3"}, {"lat": "nan", "lon": "7"}, {}])
def test_a_reverse_look_up_needs_numbers(client, upstream, query):
    assert client.get("/karte/adresse", query).status_code == 400
    assert upstream.requests == []


def test_a_failing_geocoder_is_reported_not_cached(client, upstream):
    upstream.geocoder_status = 503

    failed = client.get("/karte/suche", {"q": "Wittener Straße"})
    upstream.geocoder_status = 200
    recovered = client.get("/karte/suche", {"q": "Wittener Straße"})

    assert failed.status_code == 502
    assert "nicht verfügbar" in failed.json()["error"]
    assert len(recovered.json()["results"]) == 1


def test_address_look_ups_are_rate_limited_per_client(client, upstream, settings):
    settings.GEOCODER_RATE_LIMIT = "2/m"

    answers = [client.get("/karte/suche", {"q": f"Wittener Straße {n}"}) for n in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert len(upstream.requests) == 2


def test_without_a_geocoder_there_is_no_address_search(client, upstream, settings):
    settings.GEOCODER_URL = ""

    assert client.get("/karte/suche", {"q": "Wittener Straße"}).status_code == 404
    assert client.get("/karte/adresse", {"lat": "51.55", "lon": "7.31"}).status_code == 404
    assert maps.map_config()["geocoder"] is None
    assert upstream.requests == []
