"""Reads of Smart City shared by pages, the API and the bridge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Avg, Count, F, FloatField, Max, Prefetch, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.roles import Role, users_with_role
from portal.tokens import token_hash
from smartcity.models import (
    ENVIRONMENT_KINDS,
    KINDS,
    Alarm,
    AlarmKind,
    Channel,
    ChannelKind,
    ChargingSession,
    DailyRollup,
    DeviceToken,
    HourlyRollup,
    Pole,
    PoleGroup,
    PoleStatus,
    Reading,
)


def pole_for_token(authorization: str) -> Pole | None:
    """The pole a ``Bearer <token>`` header belongs to, if the token is active."""
    scheme, _sep, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return pole_for_secret(token.strip())


def pole_for_secret(token: str) -> Pole | None:
    found = (
        DeviceToken.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .exclude(pole__status=PoleStatus.RETIRED)
        .select_related("pole")
        .first()
    )
    return found.pole if found else None


def personal_data(*, user) -> dict:
    """Smart City keeps no personal data of citizens; operators' acknowledgements are listed."""
    return {
        "acknowledged_alarms": [
            {
                "pole": a.pole.number,
                "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
                "note": a.note,
            }
            for a in Alarm.objects.filter(acknowledged_by=user).select_related("pole")
        ]
    }


def operators_to_notify() -> list[tuple[int, str]]:
    """``(user id, e-mail address)`` of every active operator and superuser with an address:
    the recipients of the alarm e-mail (the same people ``portal.roles.is_operator`` admits)."""
    return list(
        users_with_role(Role.OPERATOR).exclude(email="").values_list("pk", "email").order_by("pk")
    )


# --- Dashboards ----------------------------------------------------------------------------------

MAX_POINTS = 2000
RANGES = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "1y": timedelta(days=365),
}


class PoleState(models.TextChoices):
    OK = "ok", _("OK")
    ALARM = "alarm", _("Alarm")
    OFFLINE = "offline", _("Offline")
    MAINTENANCE = "maintenance", _("Maintenance")
    RETIRED = "retired", _("Retired")


def pole_state(pole: Pole, open_kinds: set[str]) -> str:
    if pole.status == PoleStatus.RETIRED:
        return PoleState.RETIRED
    if pole.status == PoleStatus.MAINTENANCE:
        return PoleState.MAINTENANCE
    if AlarmKind.OFFLINE in open_kinds:
        return PoleState.OFFLINE
    if open_kinds:
        return PoleState.ALARM
    return PoleState.OK


def poles_overview(*, public: bool = False) -> list[Pole]:
    """Poles with their channels and a ``state``; the public sees environment poles only."""
    poles = Pole.objects.exclude(status=PoleStatus.RETIRED).prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("key"))
    )
    if public:
        poles = poles.filter(has_environment=True)
    open_kinds: dict[int, set[str]] = defaultdict(set)
    for pole_id, kind in Alarm.objects.open().values_list("pole_id", "kind"):
        open_kinds[pole_id].add(kind)
    result = list(poles)
    for pole in result:
        pole.state = pole_state(pole, open_kinds[pole.pk])
        pole.state_label = PoleState(pole.state).label
        pole.open_alarms = len(open_kinds[pole.pk])
        pole.latest = {c.key: c for c in pole.channels.all()}
    return result


def parse_range(raw: str | None) -> str:
    return raw if raw in RANGES else "24h"


def chart_series(*, channel: Channel, range_key: str, now: datetime | None = None) -> dict:
    """Points for one chart: raw readings if they fit, else hourly or daily rollups.

    No chart gets more than MAX_POINTS points: 24 h is raw (down to one reading per 45 s),
    7 d and 30 d hourly (168 / 720), 1 y daily (365).
    """
    now = now or timezone.now()
    since = now - RANGES[range_key]
    if range_key == "24h":
        raw = list(
            Reading.objects.filter(channel=channel, ts__gte=since, ts__lte=now)
            .order_by("ts")
            .values_list("ts", "value")[: MAX_POINTS + 1]
        )
        if len(raw) <= MAX_POINTS:
            return {"source": "raw", "points": [(ts, v, v, v) for ts, v in raw]}
    if range_key == "1y":
        daily = (
            DailyRollup.objects.filter(channel=channel, day__gte=since.date())
            .order_by("day")
            .values_list("day", "minimum", "total", "count", "maximum")
        )
        points = [
            (datetime.combine(day, time.min, tzinfo=UTC), low, total / n, high)
            for day, low, total, n, high in daily
        ]
        return {"source": "daily", "points": points}
    hourly = (
        HourlyRollup.objects.filter(channel=channel, hour__gte=since, hour__lte=now)
        .order_by("hour")
        .values_list("hour", "minimum", "total", "count", "maximum")
    )
    return {
        "source": "hourly",
        "points": [(hour, low, total / n, high) for hour, low, total, n, high in hourly],
    }


def series_summary(points: list) -> dict | None:
    if not points:
        return None
    return {
        "minimum": min(p[1] for p in points),
        "maximum": max(p[3] for p in points),
        "mean": sum(p[2] for p in points) / len(points),
        "count": len(points),
    }


def pole_alarms(*, pole: Pole, limit: int = 20):
    alarms = Alarm.objects.filter(pole=pole).select_related("channel", "acknowledged_by")
    return alarms.open(), alarms.filter(closed_at__isnull=False)[:limit]


def pole_charging(*, pole: Pole, days: int = 30) -> dict:
    since = timezone.now() - timedelta(days=days)
    sessions = ChargingSession.objects.filter(pole=pole, started_at__gte=since)
    totals = sessions.aggregate(energy=Sum("energy_kwh"), count=Count("pk"))
    return {"recent": sessions[:20], "energy": totals["energy"] or 0, "count": totals["count"]}


def fleet_summary(*, days: int = 14) -> dict:
    since = timezone.now() - timedelta(days=days)
    per_day = (
        ChargingSession.objects.filter(ended_at__gte=since)
        .annotate(day=TruncDate("ended_at"))
        .values("day")
        .annotate(energy=Sum("energy_kwh"), sessions=Count("pk"))
        .order_by("-day")
    )
    week = timezone.now().date() - timedelta(days=7)
    worst = (
        DailyRollup.objects.filter(channel__kind="pm10", day__gt=week)
        .values("channel__pole__number", "channel__pole__name")
        .annotate(total=Sum("total"), n=Sum("count"))
        .order_by("-total")
    )
    worst_rows = sorted(
        (
            {
                "number": r["channel__pole__number"],
                "name": r["channel__pole__name"],
                "mean": r["total"] / r["n"],
            }
            for r in worst
            if r["n"]
        ),
        key=lambda r: -r["mean"],
    )[:5]
    poles = poles_overview()
    return {
        "per_day": list(per_day),
        "worst_pm10": worst_rows,
        "offline": sum(1 for p in poles if p.state == PoleState.OFFLINE),
        "alarm": sum(1 for p in poles if p.state == PoleState.ALARM),
        "total": len(poles),
        "open_alarms": Alarm.objects.open().count(),
    }


# --- Public environment data --------------------------------------------------------------------

# The documented scale of the public map, by the latest PM10 value (µg/m³): the five bands of
# the Umweltbundesamt's air quality index for PM10 (24-hour mean), as half-open intervals
# (lower, upper]: every value, 20.6 as much as 20 or 21, falls into exactly one band.
PM10_SCALE = [
    (20, "very_good", _("very good (PM10 up to 20 µg/m³)")),
    (35, "good", _("good (PM10 over 20 up to 35 µg/m³)")),
    (50, "moderate", _("moderate (PM10 over 35 up to 50 µg/m³)")),
    (100, "poor", _("poor (PM10 over 50 up to 100 µg/m³)")),
    (float("inf"), "very_poor", _("very poor (PM10 over 100 µg/m³)")),
]


def air_quality_band(pm10: float | None) -> tuple[str, str]:
    if pm10 is None:
        return "none", str(_("no current value"))
    for upper, key, label in PM10_SCALE:
        if pm10 <= upper:
            return key, str(label)
    raise AssertionError


def hourly_values(*, pole: Pole, channel_key: str | None, start: date, end: date):
    """Hourly rollups for the open data export (environment channels only)."""
    rows = HourlyRollup.objects.filter(
        channel__pole=pole,
        channel__kind__in=ENVIRONMENT_KINDS,
        hour__gte=datetime.combine(start, time.min, tzinfo=UTC),
        hour__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    ).select_related("channel")
    if channel_key:
        rows = rows.filter(channel__key=channel_key)
    return rows.order_by("channel__key", "hour")


def readings_stored(*, keys: list[tuple[int, str]]) -> dict[tuple[int, str], float]:
    """The stored values of those (channel id, UTC ISO time) keys that have a reading: one query.

    A pole sends its channels with shared times, so the query asks for the few channels times
    the distinct times (``= ANY`` on both columns of the primary key) and the rows found are
    matched to the keys here; usually nothing is found.
    """
    if not keys:
        return {}
    wanted = set(keys)
    channels = list({c for c, _t in wanted})
    times = list({t for _c, t in wanted})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT channel_id, ts, value FROM {Reading._meta.db_table} "  # noqa: S608
                "WHERE channel_id = ANY(%s::int8[]) AND ts BETWEEN %s AND %s "
                "AND ts = ANY(%s::timestamptz[])",
                # Same-format UTC ISO texts sort like their times: the span bounds the index scan.
                [channels, min(times), max(times), times],
            )
            found = cursor.fetchall()
    else:
        parsed = [datetime.fromisoformat(t) for t in times]
        found = Reading.objects.filter(
            channel_id__in=channels, ts__gte=min(parsed), ts__lte=max(parsed)
        ).values_list("channel_id", "ts", "value")
    stored = {}
    for channel_id, ts, value in found:
        key = (channel_id, ts.astimezone(UTC).isoformat())
        if key in wanted:
            stored[key] = value
    return stored


# --- What a project's poles deliver (the project pages of the Beteiligungsplattform) ------------

LIVE_FIGURES = ("poles", "wifi", "charging", "air")
AIR_KINDS = (ChannelKind.PM10, ChannelKind.PM25, ChannelKind.NO2)
# A latest air value older than this is not current any more and is not shown.
AIR_FRESH = timedelta(hours=3)


@dataclass(frozen=True)
class AirValue:
    kind: str
    label: str
    value: float  # the mean of the group's poles' latest values
    unit: str
    measured_at: datetime  # the newest of those values
    poles: int
    band: str = ""  # the UBA band (PM10 only)
    band_label: str = ""


@dataclass(frozen=True)
class LiveFigures:
    group: str
    at: datetime
    poles_total: int
    poles_in_service: int
    wifi_peak: float | None = None  # most devices online at once today (hourly mean, summed)
    wifi_until: datetime | None = None  # the end of the last hour counted
    charged_kwh: float | None = None  # energy of the sessions ended this month
    charging_sessions: int = 0
    month_start: datetime | None = None
    air: list[AirValue] = dataclass_field(default_factory=list)


def project_live_figures(
    *, group: str, figures: Iterable[str] = LIVE_FIGURES, now: datetime | None = None
) -> LiveFigures | None:
    """The live figures of the poles of a group, for a project page: one aggregate query for
    the poles and one per figure asked for. ``None`` if the group is unknown or has no poles.

    - poles: poles in service (active and heard from within SMARTCITY_OFFLINE_MINUTES) of all
      poles not retired;
    - wifi: the poles record connected clients, not sessions: the most devices online at once
      today, as the largest sum over the group's access points of an hour's mean;
    - charging: the energy of the charging sessions that ended this month (local time);
    - air: per pollutant the mean of the latest values measured within AIR_FRESH, with the
      newest time, and for PM10 the band of the Umweltbundesamt's index.
    """
    now = now or timezone.now()
    wanted = set(figures)
    live_poles = ~Q(poles__status=PoleStatus.RETIRED)
    cutoff = now - timedelta(minutes=settings.SMARTCITY_OFFLINE_MINUTES)
    row = (
        PoleGroup.objects.filter(slug=group)
        .annotate(
            total=Count("poles", filter=live_poles),
            in_service=Count(
                "poles",
                filter=Q(poles__status=PoleStatus.ACTIVE, poles__last_seen_at__gte=cutoff),
            ),
        )
        .values("name", "total", "in_service")
        .first()
    )
    if row is None or not row["total"]:
        return None
    members = Pole.objects.filter(groups__slug=group).exclude(status=PoleStatus.RETIRED)
    local = timezone.localtime(now)
    result: dict = {
        "group": row["name"],
        "at": now,
        "poles_total": row["total"],
        "poles_in_service": row["in_service"],
    }
    if "wifi" in wanted:
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        hours = list(
            HourlyRollup.objects.filter(
                channel__kind=ChannelKind.WIFI_CLIENTS,
                channel__pole__in=members,
                hour__gte=midnight,
                hour__lte=now,
            )
            .values("hour")
            .annotate(devices=Sum(F("total") / F("count"), output_field=FloatField()))
            .values_list("hour", "devices")
        )
        if hours:
            result["wifi_peak"] = max(devices for _hour, devices in hours)
            result["wifi_until"] = min(max(hour for hour, _d in hours) + timedelta(hours=1), now)
    if "charging" in wanted:
        month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        totals = ChargingSession.objects.filter(
            pole__in=members, ended_at__gte=month, ended_at__lte=now
        ).aggregate(energy=Sum("energy_kwh"), n=Count("pk"))
        result["month_start"] = month
        result["charging_sessions"] = totals["n"]
        result["charged_kwh"] = totals["energy"] if totals["n"] else None
    if "air" in wanted:
        rows = (
            Channel.objects.filter(
                pole__in=members,
                kind__in=AIR_KINDS,
                latest_value__isnull=False,
                latest_ts__gte=now - AIR_FRESH,
                latest_ts__lte=now,
            )
            .values("kind")
            .annotate(mean=Avg("latest_value"), at=Max("latest_ts"), n=Count("pk"))
        )
        by_kind = {r["kind"]: r for r in rows}
        air = []
        for kind in AIR_KINDS:
            r = by_kind.get(kind)
            if r is None:
                continue
            band, band_label = air_quality_band(r["mean"]) if kind == ChannelKind.PM10 else ("", "")
            air.append(
                AirValue(
                    kind=str(kind),
                    label=str(ChannelKind(kind).label),
                    value=r["mean"],
                    unit=KINDS[kind].unit,
                    measured_at=r["at"],
                    poles=r["n"],
                    band=band,
                    band_label=band_label,
                )
            )
        result["air"] = air
    return LiveFigures(**result)


def pole_groups() -> list[tuple[str, str]]:
    """``(slug, name)`` of every pole group, for the choice in the project admin."""
    return list(PoleGroup.objects.order_by("name").values_list("slug", "name"))
