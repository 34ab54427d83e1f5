"""Poles, their channels (what a pole measures, with its plausible range) and device tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

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


class PoleGroup(models.Model):
    """A named set of poles, e.g. the poles a digitalisation project built. Other apps refer to
    a group by its ``slug`` only (a loose reference, no foreign key across apps): the operator
    says which poles belong to it, the project page shows their live figures."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    poles = models.ManyToManyField(Pole, blank=True, related_name="groups", verbose_name=_("poles"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("pole group")
        verbose_name_plural = _("pole groups")

    def __str__(self) -> str:
        return self.name


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
