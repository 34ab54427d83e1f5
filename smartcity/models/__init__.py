"""Smart City data: poles, their channels and device tokens, readings, rollups, alarms, events.

Names follow the FIWARE smart data models where one fits (``Streetlight``, ``EVChargingStation``,
``AirQualityObserved``, ``NoiseLevelObserved``, ``WeatherObserved``); each channel kind names its
model and attribute in ``KINDS``. One module per sub-domain; every model is importable from here.
"""

from smartcity.models.alarms import (
    Aggregate,
    Alarm,
    AlarmKind,
    AlarmQuerySet,
    ChargingSession,
    LampEvent,
    LampState,
    Threshold,
)
from smartcity.models.data import (
    BatchKind,
    BatchStatus,
    DailyRollup,
    HourlyRollup,
    IngestBatch,
    Reading,
    Rollup,
)
from smartcity.models.poles import (
    ENVIRONMENT_KINDS,
    KINDS,
    Channel,
    ChannelKind,
    DeviceToken,
    KindInfo,
    Pole,
    PoleGroup,
    PoleStatus,
    mosquitto_hash,
)

__all__ = [
    "ENVIRONMENT_KINDS",
    "KINDS",
    "Aggregate",
    "Alarm",
    "AlarmKind",
    "AlarmQuerySet",
    "BatchKind",
    "BatchStatus",
    "Channel",
    "ChannelKind",
    "ChargingSession",
    "DailyRollup",
    "DeviceToken",
    "HourlyRollup",
    "IngestBatch",
    "KindInfo",
    "LampEvent",
    "LampState",
    "Pole",
    "PoleGroup",
    "PoleStatus",
    "Reading",
    "Rollup",
    "Threshold",
    "mosquitto_hash",
]
