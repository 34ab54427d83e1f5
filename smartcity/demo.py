"""Demo data: a dozen poles in Castrop-Rauxel with 30 days of history, and an operator account.

The history goes through the same code as live data: the device API's checks
(``ingest.parse_readings``/``parse_events``) and the worker's ``readings_apply``/``events_apply``,
called in-process in batches of 5,000 (15-minute resolution keeps ``make run`` quick on SQLite).
Idempotent: a pole that already has readings gets no second history.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from portal.models import Role, User
from smartcity import ingest, services, simulation
from smartcity.models import Channel, ChannelKind, Pole, PoleGroup, PoleStatus, Threshold

DAYS = 30
STEP = timedelta(minutes=15)
OPERATOR_EMAIL = "betrieb@example.org"
DEMO_PASSWORD = "Europastadt-2026"  # noqa: S105  (the same as portal's load_demo)


def load(stdout) -> None:
    _operator()
    now = timezone.now().replace(second=0, microsecond=0)
    now -= timedelta(minutes=now.minute % 15)
    created = 0
    for number, name, address, lat, lon, env, connectors, wifi, traffic in simulation.POLES:
        pole, _new = Pole.objects.get_or_create(
            number=number,
            defaults={
                "name": name,
                "address": f"{address}, 44575 Castrop-Rauxel",
                "latitude": lat,
                "longitude": lon,
                "installed_on": date(2025, 4, 1),
                "has_environment": env,
                "charger_connectors": connectors,
                "has_wifi": wifi,
                "status": PoleStatus.MAINTENANCE if number == "CR-011" else PoleStatus.ACTIVE,
            },
        )
        services.channels_create_defaults(pole=pole)
        if not pole.tokens.exists():
            services.pole_token_rotate(pole=pole)  # the simulator rotates again to learn one
        if Channel.objects.filter(pole=pole, latest_ts__isnull=False).exists():
            continue
        # One pole fell silent an hour ago: it shows as offline.
        end = now - timedelta(hours=1) if number == "CR-012" else now
        _history(pole, end=end, traffic=traffic)
        created += 1
    _groups()
    bahnhof_no2 = Channel.objects.get(pole__number="CR-004", key="no2")
    Threshold.objects.get_or_create(
        name="NO2 Bahnhof (Betrieb)",
        defaults={
            "name_en": "NO2 station (operations)",
            "kind": ChannelKind.NO2,
            "channel": bahnhof_no2,
            "aggregate": "hourly_mean",
            "limit": 100,
            "clear_level": 90,
            "source": "Set by operations for the station forecourt",
        },
    )
    services.thresholds_evaluate(channel_ids=list(Channel.objects.values_list("pk", flat=True)))
    services.poles_detect_offline()
    stdout.write(
        f"Smart City: {Pole.objects.count()} poles ({created} with new history).\n"
        f"  Operator: {OPERATOR_EMAIL} / {DEMO_PASSWORD}\n"
    )


# The poles each digitalisation project built: the project pages of the Beteiligungsplattform
# name these groups (participation.demo) and show their live figures.
GROUPS = [
    ("smart-poles", "Smart Poles (alle Masten)", Q()),
    ("freies-wlan", "Freies WLAN an Lichtmasten", Q(has_wifi=True)),
    ("ladepunkte", "Ladepunkte an Lichtmasten", Q(charger_connectors__gt=0)),
]


def _groups() -> None:
    for slug, name, which in GROUPS:
        group, _new = PoleGroup.objects.get_or_create(slug=slug, defaults={"name": name})
        group.poles.add(*Pole.objects.filter(which))


def _operator() -> None:
    from portal.management.commands.load_demo import demo_totp_activate

    user = User.objects.filter(email=OPERATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=OPERATOR_EMAIL, password=DEMO_PASSWORD, name="Olaf Betrieb"
        )
    EmailAddress.objects.get_or_create(
        user=user, email=OPERATOR_EMAIL, defaults={"verified": True, "primary": True}
    )
    user.groups.add(Group.objects.get_or_create(name=Role.OPERATOR.value)[0])
    demo_totp_activate(user)


def _history(pole: Pole, *, end: datetime, traffic: float) -> None:
    channels = ingest.pole_channels(pole)
    kinds = [k for k in simulation.SIMULATED_KINDS if str(k) in channels]
    start = end - timedelta(days=DAYS)
    readings: list[dict] = []
    ts = start
    while ts <= end:
        stamp = ts.isoformat()
        for kind in kinds:
            value = simulation.values(kind, ts, seed=pole.number, traffic=traffic)
            readings.append({"channel": str(kind), "ts": stamp, "value": value})
        ts += STEP
    events = _lamp_events(start, end, fault=pole.number == "CR-005")
    if pole.has_charger:
        charging, charger_readings = _charging(pole, start, end)
        events += charging
        readings += charger_readings
    _send(pole, channels, readings, events)


def _send(pole: Pole, channels, readings: list[dict], events: list[dict]) -> None:
    now = timezone.now()
    for i in range(0, len(readings), 5000):
        parsed = ingest.parse_readings(
            {"readings": readings[i : i + 5000]}, pole=pole, now=now, channels=channels
        )
        rows = [(c, datetime.fromisoformat(t), v) for c, t, v in parsed.accepted]
        services.readings_apply(rows=rows, evaluate=False)
    for i in range(0, len(events), 5000):
        parsed = ingest.parse_events({"events": events[i : i + 5000]}, pole=pole, now=now)
        services.events_apply(pole=pole, events=parsed.accepted)


def _lamp_events(start: datetime, end: datetime, *, fault: bool) -> list[dict]:
    events = []
    ts = start
    previous = None
    while ts <= end:
        level = simulation.light_level(ts.astimezone(simulation.BERLIN))
        if level != previous:
            state = {0: "off", 100: "on"}.get(level, "dimmed")
            event: dict[str, object] = {"type": "lamp", "ts": ts.isoformat(), "state": state}
            if state == "dimmed":
                event["level"] = level
            events.append(event)
            previous = level
        ts += STEP
    if fault:
        events.append(
            {
                "type": "lamp",
                "ts": (end - timedelta(minutes=30)).isoformat(),
                "state": "fault",
                "detail": "LED-Treiber ausgefallen",
            }
        )
    return events


def _charging(pole: Pole, start: datetime, end: datetime) -> tuple[list[dict], list[dict]]:
    rng = random.Random(pole.number)  # noqa: S311
    events: list[dict] = []
    power: dict[datetime, float] = {}
    meter = 1000.0 + rng.randint(0, 500)
    day = start.astimezone(UTC).replace(hour=0, minute=0)
    n = 0
    meter_readings = []
    while day < end:
        for _ in range(rng.randint(1, 4)):
            begin = day + timedelta(hours=rng.randint(6, 19), minutes=15 * rng.randint(0, 3))
            hours = rng.choice([1, 1.5, 2, 3])
            finish = begin + timedelta(hours=hours)
            if begin < start or finish > end:
                continue
            kw = rng.choice([7.4, 11.0, 11.0, 22.0])
            energy = round(kw * hours * rng.uniform(0.7, 0.95), 2)
            meter += energy
            n += 1
            connector = 1 + n % pole.charger_connectors
            session = f"{pole.number}-{n:04d}"
            events.append(
                {
                    "type": "charging_start",
                    "ts": begin.isoformat(),
                    "connector": connector,
                    "session": session,
                }
            )
            events.append(
                {
                    "type": "charging_stop",
                    "ts": finish.isoformat(),
                    "connector": connector,
                    "session": session,
                    "energy_kwh": energy,
                    "meter_kwh": round(meter, 2),
                }
            )
            t = begin
            while t < finish:
                power[t] = power.get(t, 0) + kw
                t += STEP
        day += timedelta(days=1)
    ts = start
    while ts <= end:
        meter_readings.append(
            {
                "channel": str(ChannelKind.CHARGER_POWER),
                "ts": ts.isoformat(),
                "value": power.get(ts, 0.0),
            }
        )
        ts += STEP
    return events, meter_readings
