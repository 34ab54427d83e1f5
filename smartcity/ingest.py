"""Checking what a pole sends: the rules of the device API and the MQTT bridge, in one place.

``parse_readings`` and ``parse_events`` take the decoded JSON body and return what is accepted
(normalised, ready for the inbox) and what is rejected (index and reason). A body that is not of
the documented shape raises ``PayloadError`` and nothing at all is accepted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from smartcity.models import Channel, ChannelKind, LampState, Pole

FUTURE_TOLERANCE = timedelta(minutes=5)
EVENT_TYPES = ("charging_start", "charging_stop", "lamp", "wifi")


class PayloadError(Exception):
    """The body is not of the documented shape: 400, nothing accepted."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ItemError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Parsed:
    accepted: list = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)


def decode_body(raw: bytes) -> object:
    """The JSON of a body; raises PayloadError for anything that is not JSON a pole may send."""
    try:
        return json.loads(raw)
    except RecursionError:  # the C decoder refuses to nest deeper than the recursion limit
        raise PayloadError(_("The body is nested too deeply to be a batch.")) from None
    except (ValueError, UnicodeDecodeError):
        raise PayloadError(_("The body is not valid JSON.")) from None


def _items(body: object, name: str) -> list[dict]:
    if not isinstance(body, dict) or not isinstance(body.get(name), list):
        raise PayloadError(
            _('The body must be a JSON object with a list "{name}".').format(name=name)
        )
    items = body[name]
    if len(items) > settings.SMARTCITY_MAX_BATCH:
        raise PayloadError(
            _("At most {n} items per request.").format(n=settings.SMARTCITY_MAX_BATCH)
        )
    if not all(isinstance(item, dict) for item in items):
        raise PayloadError(_("Every item must be a JSON object."))
    return items


def _ts_future() -> ItemError:
    return ItemError("ts_future", _("ts is more than 5 minutes in the future."))


def _ts_too_old() -> ItemError:
    return ItemError(
        "ts_too_old",
        _("ts is older than the raw data retention ({days} days).").format(
            days=settings.SMARTCITY_RAW_RETENTION_DAYS
        ),
    )


def parse_time(raw: object, now: datetime) -> datetime:
    # fromisoformat stops reading at a NUL character: such a text is not a time.
    if not isinstance(raw, str) or "\x00" in raw:
        raise ItemError("ts_invalid", _("ts must be an ISO 8601 time with a time zone."))
    try:
        ts = datetime.fromisoformat(raw)
    except ValueError:
        raise ItemError("ts_invalid", _("ts must be an ISO 8601 time with a time zone.")) from None
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ItemError("ts_no_timezone", _("ts has no time zone."))
    try:
        ts = ts.astimezone(UTC)
    except OverflowError:
        # Year 1 or 9999 with an offset leaves the range of a time: far outside the window.
        raise (_ts_future() if ts.year > now.year else _ts_too_old()) from None
    if ts > now + FUTURE_TOLERANCE:
        raise _ts_future()
    if ts < now - timedelta(days=settings.SMARTCITY_RAW_RETENTION_DAYS):
        raise _ts_too_old()
    return ts


def _number(raw: object, name: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ItemError("value_invalid", _("{name} must be a number.").format(name=name))
    try:
        value = float(raw)
    except OverflowError:  # an integer of hundreds of digits
        value = math.inf
    if not math.isfinite(value):
        raise ItemError("value_invalid", _("{name} must be a finite number.").format(name=name))
    return value


def _text(raw: object, code: str, message: str, *, low: int, high: int) -> str:
    """A text the database can store: no NUL character, no lone surrogate (not UTF-8)."""
    if not isinstance(raw, str) or not low <= len(raw) <= high or "\x00" in raw:
        raise ItemError(code, message)
    try:
        raw.encode()
    except UnicodeEncodeError:
        raise ItemError(code, message) from None
    return raw


def check_value(raw: object, channel: Channel) -> float:
    value = _number(raw, "value")
    if not channel.minimum <= value <= channel.maximum:
        raise ItemError(
            "value_out_of_range",
            _("value {value} is outside the plausible range {low} to {high}.").format(
                value=value, low=channel.minimum, high=channel.maximum
            ),
        )
    return value


def pole_channels(pole: Pole) -> dict[str, Channel]:
    return {c.key: c for c in Channel.objects.filter(pole=pole)}


def parse_readings(
    body: object, *, pole: Pole, now: datetime, channels: dict[str, Channel] | None = None
) -> Parsed:
    """Accepted readings are ``[channel_id, iso_ts_utc, value]`` triples."""
    items = _items(body, "readings")
    channels = pole_channels(pole) if channels is None else channels
    result = Parsed()
    accept = result.accepted.append
    times: dict[str, str] = {}  # a pole sends all its channels with one time: check it once
    bounds = {key: (c.pk, c.minimum, c.maximum) for key, c in channels.items()}
    isfinite = math.isfinite
    for index, item in enumerate(items):
        # The usual item (a known channel, a time already checked in this body, a plain number
        # in range) is accepted here without a function call; anything else takes the full
        # checks below, which give the same result and the reason of a rejection.
        key, raw_ts, raw = item.get("channel"), item.get("ts"), item.get("value")
        if type(key) is str and type(raw_ts) is str and (type(raw) is float or type(raw) is int):
            spec = bounds.get(key)
            ts = times.get(raw_ts)
            if spec is not None and ts is not None:
                try:
                    value = float(raw)
                except OverflowError:  # an integer of hundreds of digits: see the full checks
                    value = math.nan
                if spec[1] <= value <= spec[2] and isfinite(value):
                    accept([spec[0], ts, value])
                    continue
        try:
            key = item.get("channel")
            channel = channels.get(key) if isinstance(key, str) else None
            if channel is None:
                raise ItemError(
                    "channel_unknown",
                    _("This pole has no channel {channel}.").format(
                        channel=str(item.get("channel"))[:40]
                    ),
                )
            raw_ts = item.get("ts")
            ts = times.get(raw_ts) if isinstance(raw_ts, str) else None
            if ts is None:
                ts = parse_time(raw_ts, now).isoformat()  # rejects anything but a string
                if isinstance(raw_ts, str):
                    times[raw_ts] = ts
            value = check_value(item.get("value"), channel)
        except ItemError as exc:
            result.rejected.append({"index": index, "code": exc.code, "error": exc.message})
            continue
        result.accepted.append([channel.pk, ts, value])
    return result


def _int_in(raw: object, name: str, low: int, high: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise ItemError(
            "value_invalid",
            _("{name} must be a whole number from {low} to {high}.").format(
                name=name, low=low, high=high
            ),
        )
    return raw


def _channel_of_kind(channels: dict[str, Channel], kind: str) -> Channel:
    for channel in channels.values():
        if channel.kind == kind:
            return channel
    raise ItemError(
        "channel_unknown", _("This pole has no channel of kind {kind}.").format(kind=kind)
    )


def _event(item: dict, pole: Pole, channels: dict[str, Channel], now: datetime) -> dict:
    kind = item.get("type")
    if kind not in EVENT_TYPES:
        raise ItemError(
            "type_unknown",
            _("type must be one of: {types}.").format(types=", ".join(EVENT_TYPES)),
        )
    ts = parse_time(item.get("ts"), now)
    event: dict = {"type": kind, "ts": ts.isoformat()}
    if kind in ("charging_start", "charging_stop"):
        if not pole.has_charger:
            raise ItemError("no_charger", _("This pole has no EV charger."))
        event["connector"] = _int_in(item.get("connector"), "connector", 1, pole.charger_connectors)
        event["session"] = _text(
            item.get("session"),
            "session_invalid",
            _("session must be a text of 1 to 64 characters."),
            low=1,
            high=64,
        )
        if kind == "charging_stop" and item.get("energy_kwh") is not None:
            energy = _number(item["energy_kwh"], "energy_kwh")
            if not 0 <= energy <= 1000:
                raise ItemError("value_out_of_range", _("energy_kwh must be from 0 to 1000."))
            event["energy_kwh"] = energy
        if item.get("meter_kwh") is not None:
            meter = _channel_of_kind(channels, ChannelKind.ENERGY)
            event["meter"] = [meter.pk, check_value(item["meter_kwh"], meter)]
    elif kind == "lamp":
        state = item.get("state")
        if state not in LampState.values:
            raise ItemError(
                "state_invalid",
                _("state must be one of: {states}.").format(states=", ".join(LampState.values)),
            )
        event["state"] = state
        if state == LampState.DIMMED:
            event["level"] = _int_in(item.get("level"), "level", 0, 100)
        event["detail"] = _text(
            item.get("detail", ""),
            "detail_invalid",
            _("detail must be a text of at most 200 characters."),
            low=0,
            high=200,
        )
        if state != LampState.FAULT:
            level = (
                event["level"]
                if state == LampState.DIMMED
                else {LampState.ON: 100, LampState.OFF: 0}[state]
            )
            try:
                light = _channel_of_kind(channels, ChannelKind.LIGHT_LEVEL)
            except ItemError:
                light = None
            if light is not None:
                event["reading"] = [light.pk, float(level)]
    else:  # wifi
        clients = _int_in(item.get("clients"), "clients", 0, 1000)
        wifi = _channel_of_kind(channels, ChannelKind.WIFI_CLIENTS)
        event["reading"] = [wifi.pk, float(clients)]
    return event


def parse_events(body: object, *, pole: Pole, now: datetime) -> Parsed:
    items = _items(body, "events")
    channels = pole_channels(pole)
    result = Parsed()
    for index, item in enumerate(items):
        try:
            result.accepted.append(_event(item, pole, channels, now))
        except ItemError as exc:
            result.rejected.append({"index": index, "code": exc.code, "error": exc.message})
    return result
