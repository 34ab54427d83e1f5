"""The city map every app draws on: one centre, one zoom, the real outline of Castrop-Rauxel
(and the check whether a place lies inside it), the background tiles and the address search,
both served from the portal's own origin, and one shape for the points the maps show.

Pages emit ``map_config()`` as JSON in ``<meta name="map-config">`` (one line in
``templates/includes/map_assets.html``, which every map page includes); ``static/js/map.js``
reads it. Browsers only ever talk to the portal: with ``MAP_TILE_URL`` set, the portal fetches
the tiles of the city's area from that upstream and caches them (``tile_get``); with
``GEOCODER_URL`` set, it asks that Photon or Nominatim server for addresses (``address_search``,
``address_at``). Without them the maps show the boundary and the markers and say plainly that
they have no background.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import requests
from django.conf import settings
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.api import ApplicationError

logger = logging.getLogger(__name__)

# Europaplatz, the town hall square.
CENTER = (51.5527, 7.3114)
ZOOM = 13  # the whole city
PLACE_ZOOM = 15  # one place and its streets
STREET_ZOOM = 17  # the user's own position

# --- The city boundary --------------------------------------------------------------------------
# The municipal boundary from the BKG's VG250 (see the file's properties and
# THIRD_PARTY_NOTICES.md), stored once; every map draws it and every location is checked
# against it.
BOUNDARY_FILE = Path(__file__).resolve().parent / "data" / "castrop-rauxel.geojson"


def _boundary_load() -> tuple[tuple[tuple[float, float], ...], str]:
    feature = json.loads(BOUNDARY_FILE.read_text(encoding="utf-8"))["features"][0]
    ring = feature["geometry"]["coordinates"][0]  # GeoJSON: (longitude, latitude), closed
    return tuple((lat, lon) for lon, lat in ring[:-1]), feature["properties"]["attribution"]


# The outline as (latitude, longitude), not closed; and whom the data must be credited to.
BOUNDARY, BOUNDARY_ATTRIBUTION = _boundary_load()

# The box around the outline: ((south, west), (north, east)).
BOUNDS = (
    (min(lat for lat, _lon in BOUNDARY), min(lon for _lat, lon in BOUNDARY)),
    (max(lat for lat, _lon in BOUNDARY), max(lon for _lat, lon in BOUNDARY)),
)
# How far (in degrees, about 2 km) around that box maps may pan and tiles are served.
MARGIN = 0.02


def in_city(*, latitude: float | Decimal, longitude: float | Decimal) -> bool:
    """Is the place inside the city boundary? (Ray casting over the outline.)"""
    lat, lon = float(latitude), float(longitude)
    (south, west), (north, east) = BOUNDS
    if not (south <= lat <= north and west <= lon <= east):
        return False
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(BOUNDARY, BOUNDARY[1:] + BOUNDARY[:1], strict=True):
        if (lon1 > lon) != (lon2 > lon):
            crossing = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < crossing:
                inside = not inside
    return inside


def outside_message() -> str:
    return _(
        "This place is outside Castrop-Rauxel. Please choose a place within the city boundary."
    )


def location_check(*, latitude: float | Decimal | None, longitude: float | Decimal | None) -> None:
    """Refuse a place outside the city with an ``ApplicationError``; no place at all is not
    this check's business."""
    if latitude is None or longitude is None:
        return
    if not in_city(latitude=latitude, longitude=longitude):
        raise ApplicationError(outside_message())


# --- What a page's maps start from --------------------------------------------------------------
TILE_MIN_ZOOM = 11  # the city and its neighbours
TILE_MAX_ZOOM = 19


def map_config() -> dict:
    """What every map of the portal starts from (JSON-serialisable)."""
    (south, west), (north, east) = BOUNDS
    tiles = None
    if settings.MAP_TILE_URL:
        tiles = {
            # Leaflet fills in {z}/{x}/{y}; the view below serves them from this origin.
            "url": reverse("map_tile", kwargs={"z": 0, "x": 0, "y": 0}).replace(
                "/0/0/0", "/{z}/{x}/{y}"
            ),
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "min_zoom": TILE_MIN_ZOOM,
            "max_zoom": TILE_MAX_ZOOM,
        }
    geocoder = None
    if settings.GEOCODER_URL:
        geocoder = {"search": reverse("map_search"), "reverse": reverse("map_address")}
    return {
        "center": list(CENTER),
        "zoom": ZOOM,
        "place_zoom": PLACE_ZOOM,
        "street_zoom": STREET_ZOOM,
        "bounds": [list(corner) for corner in BOUNDS],
        "max_bounds": [[south - MARGIN, west - MARGIN], [north + MARGIN, east + MARGIN]],
        "boundary": [list(point) for point in BOUNDARY],
        "boundary_attribution": BOUNDARY_ATTRIBUTION,
        "tiles": tiles,
        "geocoder": geocoder,
        "text": {
            "no_tiles": _(
                "This map has no background map: it shows only the city boundary and the"
                " marked places."
            ),
            "use_address_field": _("Please enter the address in the field “{label}”."),
            "tiles_failed": _("The background map cannot be loaded at the moment."),
            "outside": outside_message(),
            "search_button": _("Find the address on the map"),
            "search_empty": _("Please enter a street first."),
            "searching": _("Searching …"),
            "results": _("Addresses found: {n}. Choose one."),
            "no_results": _("No such address was found in Castrop-Rauxel."),
            "search_failed": _("The address search is not available at the moment."),
        },
    }


def point_feature(*, latitude, longitude, url: str, label: str, marker: str, **properties) -> dict:
    """A GeoJSON point as the browse maps show it: a circle coloured by ``marker`` (a key of
    map.js's palette, e.g. ``open``, ``alarm``, ``good``) whose popup links ``label`` to
    ``url``. The label must carry in words what the colour shows. ``properties`` are kept for
    other readers of the feed."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": {**properties, "url": url, "label": label, "marker": marker},
    }


# --- Upstreams ----------------------------------------------------------------------------------


class UpstreamError(Exception):
    """The tile server or the geocoder did not answer usefully."""


def _user_agent() -> str:
    return f"Castrop-Rauxel-Portal/1 (+{settings.PORTAL_BASE_URL}; {settings.CITY_CONTACT_EMAIL})"


def _upstream_get(url: str, *, params: dict | None = None) -> requests.Response:
    try:
        response = requests.get(
            url,
            params=params,
            timeout=settings.MAP_UPSTREAM_TIMEOUT,
            headers={
                "User-Agent": _user_agent(),
                "Accept-Language": "de",
            },
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        logger.warning("map upstream %s unreachable: %s", url.split("?")[0], exc)
        raise UpstreamError(str(exc)) from exc
    return response


# --- Tiles --------------------------------------------------------------------------------------
TILE_TYPES = {"image/png", "image/jpeg", "image/webp"}
TILE_MAX_BYTES = 1_000_000  # a 256-pixel tile is some 10 to 100 KB


@dataclass(frozen=True)
class Tile:
    content: bytes
    content_type: str
    etag: str


def tile_box(*, z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a Web Mercator tile (the XYZ scheme of OSM and Leaflet)."""
    n = 2**z

    def latitude(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return latitude(y + 1), x / n * 360 - 180, latitude(y), (x + 1) / n * 360 - 180


def tile_allowed(*, z: int, x: int, y: int) -> bool:
    """Only tiles that show the city (with its margin): the proxy mirrors no other place."""
    if not (TILE_MIN_ZOOM <= z <= TILE_MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        return False
    (south, west), (north, east) = BOUNDS
    t_south, t_west, t_north, t_east = tile_box(z=z, x=x, y=y)
    return (
        t_south <= north + MARGIN
        and t_north >= south - MARGIN
        and t_west <= east + MARGIN
        and t_east >= west - MARGIN
    )


def tile_get(*, z: int, x: int, y: int) -> Tile | None:
    """The tile from the cache, or fetched from ``MAP_TILE_URL`` and cached for
    ``MAP_TILE_CACHE_SECONDS``. None if the upstream has no such tile; ``UpstreamError`` if it
    is unreachable or answers with something that is no image."""
    source = hashlib.sha256(settings.MAP_TILE_URL.encode()).hexdigest()[:12]
    key = f"tile:{source}:{z}:{x}:{y}"  # another upstream: other tiles
    tiles = caches["tiles"]
    cached = tiles.get(key)
    if cached is not None:
        return Tile(*cached)
    url = settings.MAP_TILE_URL.format(z=z, x=x, y=y)
    response = _upstream_get(url)
    if response.status_code == 404:
        return None
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if response.status_code != 200 or content_type not in TILE_TYPES:
        logger.warning("tile upstream answered %s (%s)", response.status_code, content_type)
        raise UpstreamError(f"status {response.status_code}, {content_type}")
    content = response.content
    if len(content) > TILE_MAX_BYTES:
        raise UpstreamError(f"tile of {len(content)} bytes")
    tile = Tile(content, content_type, hashlib.sha256(content).hexdigest()[:32])
    tiles.set(key, (tile.content, tile.content_type, tile.etag), settings.MAP_TILE_CACHE_SECONDS)
    return tile


# --- Addresses ----------------------------------------------------------------------------------
SEARCH_LIMIT = 8
QUERY_MAX_LENGTH = 200


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float

    def as_dict(self) -> dict:
        return {"label": self.label, "latitude": self.latitude, "longitude": self.longitude}


def _label(*, street: str, number: str, postcode: str, city: str, name: str = "") -> str:
    line = " ".join(p for p in (street, number) if p)
    town = " ".join(p for p in (postcode, city) if p)
    parts = [p for p in (name if name and name != street else "", line, town) if p]
    return ", ".join(parts)


def _photon_places(data: dict) -> list[Place]:
    places = []
    for feature in data.get("features", []):
        p = feature.get("properties", {})
        lon, lat = feature["geometry"]["coordinates"][:2]
        label = _label(
            name=p.get("name", ""),
            street=p.get("street", "") or (p.get("name", "") if p.get("housenumber") else ""),
            number=p.get("housenumber", ""),
            postcode=p.get("postcode", ""),
            city=p.get("city", "") or p.get("locality", ""),
        )
        places.append(Place(label, float(lat), float(lon)))
    return places


def _nominatim_places(data: list | dict) -> list[Place]:
    places = []
    for item in data if isinstance(data, list) else [data]:
        if "lat" not in item:
            continue
        a = item.get("address", {})
        label = _label(
            name=item.get("name", ""),
            street=a.get("road", "") or a.get("pedestrian", "") or a.get("footway", ""),
            number=a.get("house_number", ""),
            postcode=a.get("postcode", ""),
            city=a.get("city", "") or a.get("town", "") or a.get("village", ""),
        ) or item.get("display_name", "")
        places.append(Place(label, float(item["lat"]), float(item["lon"])))
    return places


def _geocoder_ask(path: str, params: dict) -> list[Place]:
    """Ask the configured geocoder; its answer in either format becomes a list of places, of
    which only those inside the city are kept. Answers are cached."""
    asked = [settings.GEOCODER_KIND, settings.GEOCODER_URL, path, params]
    key = "geocode:" + hashlib.sha256(json.dumps(asked).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return [Place(**p) for p in cached]
    response = _upstream_get(settings.GEOCODER_URL.rstrip("/") + path, params=params)
    if response.status_code != 200:
        logger.warning("geocoder answered %s", response.status_code)
        raise UpstreamError(f"status {response.status_code}")
    try:
        data = response.json()
        found = (
            _nominatim_places(data)
            if settings.GEOCODER_KIND == "nominatim"
            else _photon_places(data)
        )
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise UpstreamError(f"unreadable answer: {exc}") from exc
    places = [p for p in found if p.label and in_city(latitude=p.latitude, longitude=p.longitude)]
    cache.set(key, [p.as_dict() for p in places], settings.GEOCODER_CACHE_SECONDS)
    return places


def address_search(*, text: str) -> list[Place]:
    """Places in the city matching ``text`` (a street, with or without a number)."""
    text = " ".join(text.split())[:QUERY_MAX_LENGTH]
    if not text:
        return []
    (south, west), (north, east) = BOUNDS
    if settings.GEOCODER_KIND == "nominatim":
        path = "/search"
        params = {
            "q": text,
            "format": "jsonv2",
            "addressdetails": 1,
            "limit": SEARCH_LIMIT,
            "viewbox": f"{west},{north},{east},{south}",
            "bounded": 1,
            "countrycodes": "de",
        }
    else:
        path = "/api"
        params = {
            "q": text,
            "limit": SEARCH_LIMIT,
            "lang": "de",
            "bbox": f"{west},{south},{east},{north}",
        }
    unique: dict[str, Place] = {}
    for place in _geocoder_ask(path, params):
        unique.setdefault(place.label, place)
    return list(unique.values())


def address_at(*, latitude: float, longitude: float) -> Place | None:
    """The address nearest to a place in the city (``ApplicationError`` outside it)."""
    location_check(latitude=latitude, longitude=longitude)
    lat, lon = round(latitude, 5), round(longitude, 5)  # about a metre: answers can be shared
    if settings.GEOCODER_KIND == "nominatim":
        path = "/reverse"
        params = {"lat": lat, "lon": lon, "format": "jsonv2", "addressdetails": 1, "zoom": 18}
    else:
        path = "/reverse"
        params = {"lat": lat, "lon": lon, "lang": "de", "limit": 1}
    places = _geocoder_ask(path, params)
    return places[0] if places else None
