"""A stand-in for the servers outside the machine the maps use: a tile server and a Photon or
Nominatim geocoder, as one tiny HTTP server on 127.0.0.1 that records what it was asked."""

from __future__ import annotations

import json
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


def png(rgb: tuple[int, int, int] = (200, 220, 200)) -> bytes:
    """A valid 1×1 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(rgb))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# Places the fake geocoder knows: one in the city, one in Munich (which the portal must drop).
WITTENER = {"street": "Wittener Straße", "housenumber": "1", "postcode": "44575",
            "city": "Castrop-Rauxel", "lat": 51.55245, "lon": 7.31195}  # fmt: skip
MUNICH = {"street": "Wittener Straße", "housenumber": "1", "postcode": "80999",
          "city": "München", "lat": 48.137, "lon": 11.575}  # fmt: skip


def photon_feature(place: dict) -> dict:
    properties = {k: place[k] for k in ("street", "housenumber", "postcode", "city")}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
        "properties": {**properties, "country": "Deutschland", "type": "house"},
    }


def nominatim_item(place: dict) -> dict:
    return {
        "lat": str(place["lat"]),
        "lon": str(place["lon"]),
        "display_name": f"{place['housenumber']}, {place['street']}, {place['city']}",
        "address": {
            "road": place["street"],
            "house_number": place["housenumber"],
            "postcode": place["postcode"],
            "town": place["city"],
        },
    }


class Upstream:
    """What the fake server answers (``tile_status``, ``geocoder_status``) and was asked
    (``requests``: (path, query dict, headers))."""

    def __init__(self) -> None:
        self.tile = png()
        self.tile_status = 200
        self.geocoder_status = 200
        self.requests: list[tuple[str, dict, dict]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def asked(self, prefix: str) -> list[tuple[str, dict, dict]]:
        return [r for r in self.requests if r[0].startswith(prefix)]

    def _handler(self):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                upstream.requests.append((parts.path, query, dict(self.headers)))
                if parts.path.startswith("/tiles/"):
                    if upstream.tile_status != 200:
                        self._send(upstream.tile_status, b"down", "text/plain")
                    else:
                        self._send(200, upstream.tile, "image/png")
                    return
                if upstream.geocoder_status != 200:
                    self._send(upstream.geocoder_status, b"down", "text/plain")
                    return
                matches = [WITTENER, MUNICH] if "witt" in query.get("q", "").lower() else []
                if parts.path == "/photon/api":
                    body = {
                        "type": "FeatureCollection",
                        "features": [photon_feature(p) for p in matches],
                    }
                elif parts.path == "/photon/reverse":
                    body = {"type": "FeatureCollection", "features": [photon_feature(WITTENER)]}
                elif parts.path == "/nominatim/search":
                    body = [nominatim_item(p) for p in matches]
                elif parts.path == "/nominatim/reverse":
                    body = nominatim_item(WITTENER)
                else:
                    self._send(404, b"no", "text/plain")
                    return
                self._send(200, json.dumps(body).encode(), "application/json")

        return Handler


@pytest.fixture
def upstream(settings, tmp_path):
    """The fake server, configured as the portal's tile server and (Photon) geocoder, with a
    tile cache of this test's own."""
    server = Upstream()
    server.thread.start()
    settings.MAP_TILE_URL = server.url + "/tiles/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Test-Kacheln"
    settings.GEOCODER_URL = server.url + "/photon"
    settings.GEOCODER_KIND = "photon"
    caches = {alias: dict(conf) for alias, conf in settings.CACHES.items()}
    caches["tiles"]["LOCATION"] = str(tmp_path / "tiles")
    settings.CACHES = caches
    yield server
    server.server.shutdown()
    server.server.server_close()
