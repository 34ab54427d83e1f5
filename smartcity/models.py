"""Smart City data: poles, their channels and device tokens, readings, rollups, alarms, events.

Names follow the FIWARE smart data models where one fits (``Streetlight``, ``EVChargingStation``,
``AirQualityObserved``, ``NoiseLevelObserved``, ``WeatherObserved``); each channel kind names its
model and attribute in ``KINDS``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ChannelKind(models.TextChoices):
    TEMPERATURE = "temperature", _("Temperature")
    HUMIDITY = "humidity", _("Relative humidity")
    PM25 = "pm25", _("Fine dust PM2.5")
    PM10 = "pm10", _("Fine dust PM10")
    NO2 = "no2", _("Nitrogen dioxide NO2")
    NOISE = "noise", _("Noise")
    LIGHT_LEVEL = "light_level", _("Light level")
    LAMP_POWER = "lamp_power", _("Lamp power")
    CHARGER_POWER = "charger_power", _("Charger power")
    ENERGY = "energy", _("Energy delivered (meter)")
    WIFI_CLIENTS = "wifi_clients", _("WiFi clients")


@dataclass(frozen=True)
class KindInfo:
    unit: str
    minimum: float
    maximum: float
    fiware_model: str
    fiware_attribute: str
    decimals: int = 1


# The plausible range of each kind: a value outside it is a sensor fault, not a measurement.
KINDS: dict[str, KindInfo] = {
    ChannelKind.TEMPERATURE: KindInfo("°C", -40, 60, "WeatherObserved", "temperature"),
    ChannelKind.HUMIDITY: KindInfo("%", 0, 100, "WeatherObserved", "relativeHumidity"),
    ChannelKind.PM25: KindInfo("µg/m³", 0, 1000, "AirQualityObserved", "pm25"),
    ChannelKind.PM10: KindInfo("µg/m³", 0, 1000, "AirQualityObserved", "pm10"),
    ChannelKind.NO2: KindInfo("µg/m³", 0, 2000, "AirQualityObserved", "no2"),
    ChannelKind.NOISE: KindInfo("dB(A)", 20, 140, "NoiseLevelObserved", "LAeq"),
    ChannelKind.LIGHT_LEVEL: KindInfo("%", 0, 100, "Streetlight", "illuminanceLevel", 0),
    ChannelKind.LAMP_POWER: KindInfo("W", 0, 1000, "Streetlight", "powerConsumption", 0),
    ChannelKind.CHARGER_POWER: KindInfo("kW", 0, 350, "EVChargingStation", "power"),
    ChannelKind.ENERGY: KindInfo("kWh", 0, 1e9, "EVChargingStation", "energyDelivered"),
    ChannelKind.WIFI_CLIENTS: KindInfo("", 0, 1000, "WiFiAccessPoint", "connectedClients", 0),
}

ENVIRONMENT_KINDS = [
    ChannelKind.TEMPERATURE,
    ChannelKind.HUMIDITY,
    ChannelKind.PM25,
    ChannelKind.PM10,
    ChannelKind.NO2,
    ChannelKind.NOISE,
]


class PoleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MAINTENANCE = "maintenance", _("Maintenance")
    RETIRED = "retired", _("Retired")


class Pole(models.Model):
    """A smart pole: a street light that may also charge cars, measure and offer WiFi."""

    number = models.CharField(
        _("number"),
        max_length=20,
        unique=True,
        help_text=_("Letters, digits and hyphens, e.g. CR-001. Used in MQTT topics."),
    )
    name = models.CharField(_("name"), max_length=120)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    address = models.CharField(_("address"), max_length=200, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    has_light = models.BooleanField(_("street light"), default=True)
    charger_connectors = models.PositiveSmallIntegerField(
        _("charging connectors"), default=0, help_text=_("0 if the pole has no EV charger.")
    )
    has_environment = models.BooleanField(_("environment sensors"), default=False)
    has_wifi = models.BooleanField(_("WiFi access point"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=PoleStatus.choices, default=PoleStatus.ACTIVE
    )
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_seen_at"])  # not the device's state

    # Not stored: set on the poles that ``selectors.poles_overview`` returns.
    state: str
    state_label: StrOrPromise
    open_alarms: int
    latest: dict[str, Channel]

    class Meta:
        ordering = ["number"]
        verbose_name = _("pole")
        verbose_name_plural = _("poles")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[A-Za-z0-9-]+$"), name="smartcity_pole_number_chars"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="smartcity_pole_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("smartcity:pole", args=[self.number])

    @property
    def has_charger(self) -> bool:
        return self.charger_connectors > 0


def mosquitto_hash(password: str, *, salt: bytes | None = None, iterations: int = 101) -> str:
    """A password hash in the format of Mosquitto 2's password file (``$7$``, PBKDF2-SHA512)."""
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


class DeviceToken(models.Model):
    """A pole's secret for the device API and MQTT. Only its SHA-256 hash is stored."""

    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("pole")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    prefix = models.CharField(
        _("first characters"), max_length=8, help_text=_("To recognise a token, not to use it.")
    )
    mqtt_hash = models.CharField(
        _("MQTT password hash"),
        max_length=200,
        blank=True,
        help_text=_("The token hashed for Mosquitto's password file (PBKDF2-SHA512)."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash", "mqtt_hash"])  # never the hashes

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["pole"],
                condition=Q(revoked_at__isnull=True),
                name="smartcity_one_active_token_per_pole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pole.number}: {self.prefix}…"


class Channel(models.Model):
    """One measured quantity of a pole. ``key`` is the name devices use (e.g. ``pm10``)."""

    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="channels", verbose_name=_("pole")
    )
    key = models.SlugField(_("key"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    unit = models.CharField(_("unit"), max_length=12, blank=True)
    minimum = models.FloatField(_("plausible minimum"))
    maximum = models.FloatField(_("plausible maximum"))
    latest_value = models.FloatField(_("latest value"), null=True, blank=True)
    latest_ts = models.DateTimeField(_("latest measurement"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["latest_value", "latest_ts"])  # device state

    class Meta:
        ordering = ["pole", "key"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(fields=["pole", "key"], name="smartcity_channel_key_unique"),
            models.CheckConstraint(
                condition=Q(minimum__lt=models.F("maximum")), name="smartcity_channel_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pole.number}/{self.key}"

    @property
    def info(self) -> KindInfo:
        return KINDS[self.kind]

    @property
    def fiware(self) -> str:
        return f"{self.info.fiware_model}.{self.info.fiware_attribute}"


class Reading(models.Model):
    """One measured value. The key (channel, ts) makes a re-delivered reading one row.

    Storage: a plain table whose primary key *is* (channel, ts), so there is exactly one index
    and every chart query (one channel, a time range) is an index range scan. Partitioning by
    time was left out on purpose: retention deletes by (channel, ts < cutoff) through the same
    index, chart queries never span channels, and long ranges are answered from the rollups,
    which are kept forever. At the city's size (hundreds of channels, minute resolution,
    400 days: about 200 M rows) a single B-tree stays within a few levels; partitions by month
    can be attached later without changing any query here.

    The database keeps the foreign key on ``channel`` (an invariant in the database), but no
    separate index on it: the primary key starts with it. Dropping the key was measured
    (bench/README.md): the deferred check costs about three times a bare COPY (raw COPY of
    200,000 rows: ~170,000/s with the key, ~650,000/s without), yet the whole pipeline gained
    only about 10 % (71-77k/s -> 75-87k/s), because the limit is CPU for JSON parsing and the
    workers. Not worth orphaned readings after a raw-SQL delete. The worker still locks the
    batch's channel rows once per batch (``services._channels_lock``) and drops readings of a
    channel deleted in between, and ``services.channels_delete``/``poles_delete`` delete the
    readings explicitly.
    """

    pk = models.CompositePrimaryKey("channel", "ts")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, db_index=False)
    ts = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self) -> str:
        return f"{self.channel_id} {self.ts:%Y-%m-%d %H:%M} {self.value}"


class Rollup(models.Model):
    """Min, max, sum and count of a channel's readings in a bucket; the mean is sum / count."""

    minimum = models.FloatField()
    maximum = models.FloatField()
    total = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @property
    def mean(self) -> float:
        return self.total / self.count


class HourlyRollup(Rollup):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="hourly")
    hour = models.DateTimeField(_("hour (UTC)"))

    class Meta:
        verbose_name = _("hourly rollup")
        verbose_name_plural = _("hourly rollups")
        constraints = [
            models.UniqueConstraint(fields=["channel", "hour"], name="smartcity_hourly_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.hour:%Y-%m-%d %H}h"


class DailyRollup(Rollup):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField(_("day (UTC)"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="smartcity_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}"


class BatchKind(models.TextChoices):
    READINGS = "readings", _("Readings")
    EVENTS = "events", _("Events")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    DEAD = "dead", _("Dead letter")


class IngestBatch(models.Model):
    """The inbox: every accepted batch is stored here before the answer, Redis only carries ids."""

    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="batches")
    kind = models.CharField(_("kind"), max_length=10, choices=BatchKind.choices)
    source = models.CharField(_("source"), max_length=10, default="http")
    payload = models.JSONField(_("payload"))
    size = models.PositiveIntegerField(_("items"), default=0)
    conflicts = models.PositiveIntegerField(
        _("conflicting readings"),
        default=0,
        help_text=_(
            "Readings not stored because another value was already stored for their channel "
            "and time."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    leased_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ingest batch")
        verbose_name_plural = _("ingest batches")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="smartcity_batch_pending",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.pole_id} {self.kind} ({self.status})"


class Aggregate(models.TextChoices):
    LATEST = "latest", _("Each value")
    HOURLY_MEAN = "hourly_mean", _("Hourly mean")
    DAILY_MEAN = "daily_mean", _("Daily mean")
    YEARLY_MEAN = "yearly_mean", _("Yearly mean")


class Threshold(models.Model):
    """An upper limit for a kind of channel (or one channel). Hysteresis: the alarm opens above
    ``limit`` and closes only at or below ``clear_level``, so values around the limit do not
    flap."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    channel = models.ForeignKey(
        Channel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thresholds",
        verbose_name=_("only this channel"),
    )
    aggregate = models.CharField(
        _("compared value"), max_length=20, choices=Aggregate.choices, default=Aggregate.LATEST
    )
    limit = models.FloatField(_("limit"))
    clear_level = models.FloatField(_("clears at or below"))
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "limit"]
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(clear_level__lte=models.F("limit")),
                name="smartcity_threshold_hysteresis",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AlarmKind(models.TextChoices):
    THRESHOLD = "threshold", _("Limit exceeded")
    LAMP_FAULT = "lamp_fault", _("Lamp fault")
    OFFLINE = "offline", _("Pole offline")


class AlarmQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Alarm(models.Model):
    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="alarms", verbose_name=_("pole")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlarmKind.choices)
    # What condition this is: one open alarm per pole and condition (see the constraint).
    condition = models.CharField(_("condition"), max_length=60)
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("channel")
    )
    threshold = models.ForeignKey(
        Threshold, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("threshold")
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    notified_at = models.DateTimeField(_("operators notified"), null=True, blank=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["pole", "condition"],
                condition=Q(closed_at__isnull=True),
                name="smartcity_one_open_alarm_per_condition",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pole.number}: {self.message}"


class ChargingSession(models.Model):
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="charging_sessions")
    connector = models.PositiveSmallIntegerField(_("connector"))
    session_id = models.CharField(_("session"), max_length=64)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    energy_kwh = models.FloatField(_("energy (kWh)"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("charging session")
        verbose_name_plural = _("charging sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["pole", "session_id"], name="smartcity_charging_session_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pole_id}/{self.connector} {self.session_id}"


class LampState(models.TextChoices):
    ON = "on", _("On")
    OFF = "off", _("Off")
    DIMMED = "dimmed", _("Dimmed")
    FAULT = "fault", _("Fault")


class LampEvent(models.Model):
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="lamp_events")
    ts = models.DateTimeField(_("time"))
    state = models.CharField(_("state"), max_length=10, choices=LampState.choices)
    level = models.PositiveSmallIntegerField(_("level (%)"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-ts"]
        verbose_name = _("lamp event")
        verbose_name_plural = _("lamp events")
        constraints = [
            models.UniqueConstraint(fields=["pole", "ts", "state"], name="smartcity_lamp_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pole_id} {self.ts:%Y-%m-%d %H:%M} {self.state}"
