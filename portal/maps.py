"""The city map every app draws on: one centre, one zoom, one outline of Castrop-Rauxel, one tile
server (none unless configured), and one shape for the points the maps show.

Pages emit ``map_config()`` as JSON in ``<meta name="map-config">`` (one line in
``templates/includes/map_assets.html``, which every map page includes); ``static/js/map.js``
reads it. Without a tile server the
maps still show the boundary and the markers, and the page makes no third-party request.
"""

from __future__ import annotations

from django.conf import settings

# Europaplatz, the town hall square.
CENTER = (51.5527, 7.3114)
ZOOM = 13  # the whole city
PLACE_ZOOM = 15  # one place and its streets
STREET_ZOOM = 17  # the user's own position

# Simplified outline of the city (for orientation only), as (latitude, longitude).
BOUNDARY = (
    (51.606, 7.285),
    (51.600, 7.335),
    (51.585, 7.375),
    (51.560, 7.385),
    (51.538, 7.360),
    (51.527, 7.318),
    (51.530, 7.268),
    (51.548, 7.238),
    (51.575, 7.235),
    (51.596, 7.255),
)

# The box around the outline: ((south, west), (north, east)).
BOUNDS = (
    (min(lat for lat, _lon in BOUNDARY), min(lon for _lat, lon in BOUNDARY)),
    (max(lat for lat, _lon in BOUNDARY), max(lon for _lat, lon in BOUNDARY)),
)

TILE_MAX_ZOOM = 19


def map_config() -> dict:
    """What every map of the portal starts from (JSON-serialisable)."""
    tiles = None
    if settings.MAP_TILE_URL:
        tiles = {
            "url": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "max_zoom": TILE_MAX_ZOOM,
        }
    return {
        "center": list(CENTER),
        "zoom": ZOOM,
        "place_zoom": PLACE_ZOOM,
        "street_zoom": STREET_ZOOM,
        "bounds": [list(corner) for corner in BOUNDS],
        "boundary": [list(point) for point in BOUNDARY],
        "tiles": tiles,
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
