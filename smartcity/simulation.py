"""Realistic made-up pole data for the demo and ``simulate_poles``: daily cycles, rush-hour NO2,
night dimming, charging sessions and WiFi peaks. Deterministic for a given pole and time."""

from __future__ import annotations

import math
import random
from datetime import datetime
from zoneinfo import ZoneInfo

from smartcity.models import ChannelKind as K

BERLIN = ZoneInfo("Europe/Berlin")

# number, name, address, lat, lon, environment, charger connectors, wifi, traffic factor
POLES = [
    ("CR-001", "Altstadt Marktplatz", "Marktplatz 1", 51.55350, 7.31100, True, 0, True, 0.8),
    ("CR-002", "Europaplatz", "Europaplatz 1", 51.55190, 7.31460, True, 2, True, 1.0),
    ("CR-003", "Rathaus", "Europaplatz 1", 51.55240, 7.31330, True, 2, True, 0.9),
    (
        "CR-004",
        "Bahnhof Castrop-Rauxel Hbf",
        "Bahnhofstraße 1",
        51.56340,
        7.30950,
        True,
        2,
        True,
        1.6,
    ),
    ("CR-005", "Stadtgarten", "Wittener Straße", 51.55020, 7.30830, True, 0, False, 0.5),
    ("CR-006", "Schloss Bladenhorst", "Schloßstraße", 51.56560, 7.29190, False, 0, False, 0.3),
    ("CR-007", "Erin-Park", "Erinstraße", 51.56080, 7.31990, True, 2, True, 0.7),
    ("CR-008", "Habinghorst Marktplatz", "Lange Straße", 51.58150, 7.29930, True, 0, True, 0.9),
    ("CR-009", "Ickern Ortsmitte", "Ickerner Straße", 51.59600, 7.32050, True, 2, False, 1.2),
    ("CR-010", "Parkplatz Forum", "Leonhardstraße", 51.55450, 7.31570, False, 2, False, 1.0),
    ("CR-011", "Deininghausen", "Deininghauser Weg", 51.54160, 7.33080, False, 0, False, 0.4),
    ("CR-012", "Henrichenburg", "Am Hebewerk", 51.60470, 7.31660, True, 0, False, 0.6),
]


def _rush(local: datetime) -> float:
    """0..1: traffic, peaking at 8:00 and 17:00 on weekdays, lower at weekends."""
    hour = local.hour + local.minute / 60
    peaks = math.exp(-((hour - 8) ** 2) / 2) + math.exp(-((hour - 17) ** 2) / 3)
    base = 0.15 if 6 <= hour <= 22 else 0.03
    return (base + peaks) * (0.55 if local.weekday() >= 5 else 1.0)


def light_level(local: datetime) -> int:
    """Street lights: on from dusk, dimmed to 40 % between 23:00 and 5:00, off by day."""
    hour = local.hour + local.minute / 60
    if 7.5 <= hour < 16.75:
        return 0
    if hour >= 23 or hour < 5:
        return 40
    return 100


def values(kind: str, ts: datetime, *, seed: str, traffic: float = 1.0) -> float:
    local = ts.astimezone(BERLIN)
    rng = random.Random(f"{seed}{kind}{int(ts.timestamp()) // 60}")  # noqa: S311
    hour = local.hour + local.minute / 60
    daily = math.sin(2 * math.pi * (hour - 9) / 24)
    rush = _rush(local)
    if kind == K.TEMPERATURE:
        return round(5 + 4 * daily + rng.gauss(0, 0.4), 1)
    if kind == K.HUMIDITY:
        return round(min(100, max(30, 82 - 12 * daily + rng.gauss(0, 2))), 1)
    if kind == K.NO2:
        return round(max(2, 14 + 55 * traffic * rush + rng.gauss(0, 4)), 1)
    if kind == K.PM10:
        return round(max(2, 14 + 12 * traffic * rush + rng.gauss(0, 3)), 1)
    if kind == K.PM25:
        return round(max(1, 8 + 7 * traffic * rush + rng.gauss(0, 2)), 1)
    if kind == K.NOISE:
        return round(min(95, max(30, 42 + 22 * min(1, traffic * rush) + rng.gauss(0, 2))), 1)
    if kind == K.LIGHT_LEVEL:
        return float(light_level(local))
    if kind == K.LAMP_POWER:
        return round(light_level(local) * 0.8, 1)
    if kind == K.WIFI_CLIENTS:
        market = 2.0 if local.weekday() in (2, 5) and 8 <= hour < 13 else 1.0
        busy = max(0.0, math.sin(math.pi * (hour - 7) / 15)) if 7 <= hour <= 22 else 0.0
        return float(max(0, round(30 * busy * market * traffic + rng.gauss(0, 2))))
    raise ValueError(kind)


SIMULATED_KINDS = [
    K.TEMPERATURE,
    K.HUMIDITY,
    K.NO2,
    K.PM10,
    K.PM25,
    K.NOISE,
    K.LIGHT_LEVEL,
    K.LAMP_POWER,
    K.WIFI_CLIENTS,
]
