"""The device API under hostile input: never a 500, the bad item is named, the good ones stored."""

import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone, translation

from smartcity import mqtt
from smartcity.models import ChargingSession, IngestBatch, Reading

pytestmark = pytest.mark.django_db


def now_iso(minutes: int = 1) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).astimezone(UTC).isoformat()


def good() -> dict:
    return {"channel": "temperature", "ts": now_iso(), "value": 4.5}


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"readings": [{"channel": "pm10", "ts": "x", "value": '
        + "[" * 100_000
        + "]" * 100_000
        + "}]}",
        '{"readings": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
    ],
    ids=["nested-lists", "nested-in-a-value", "nested-objects"],
)
def test_a_deeply_nested_body_is_400_with_a_message_and_nothing_is_accepted(device, body):
    response = device("readings", body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested" in response.json()["message"]
    assert not IngestBatch.objects.exists()


def test_an_oversized_body_is_400_in_json_and_nothing_is_accepted(device, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"readings": [good()] * 1_000})

    response = device("readings", body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "large" in response.json()["message"]
    assert not IngestBatch.objects.exists()


@pytest.mark.parametrize(
    ("ts", "code"),
    [
        ("0001-01-01T00:00:00+23:59", "ts_too_old"),
        ("0001-01-01T00:00:00Z", "ts_too_old"),
        ("0001-01-01T00:30:00-00:45", "ts_too_old"),
        ("1999-12-31T23:59:59+00:00", "ts_too_old"),
        ("9999-12-31T23:59:59-23:59", "ts_future"),
        ("9999-12-31T23:59:59.999999+00:00", "ts_future"),
        ("9999-12-31T23:00:00-01:00", "ts_future"),
        ("2026-11-23T10:00:00+24:00", "ts_invalid"),
        ("2026-11-23T10:00:00-25:00", "ts_invalid"),
        ("+2026-11-23T10:00:00Z", "ts_invalid"),
        ("2026-11-23T10:00:00Z\x00", "ts_invalid"),
    ],
)
def test_an_extreme_time_rejects_only_its_reading(device, ts, code):
    response = device("readings", {"readings": [good(), {"channel": "pm10", "ts": ts, "value": 1}]})

    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, code)]
    assert Reading.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1" + "0" * 400, "value_invalid"),
        ("-1" + "0" * 400, "value_invalid"),
        ("1e400", "value_invalid"),
        ("-1e400", "value_invalid"),
        ("1e-400", None),
        ("NaN", "value_invalid"),
    ],
)
def test_a_value_that_overflows_rejects_only_its_reading(device, value, code):
    ts = now_iso()
    # The same time as the good reading, so the fast path of the check sees it too.
    readings = [
        {"channel": "temperature", "ts": ts, "value": 4.5},
        {"channel": "pm10", "ts": ts, "value": "VALUE"},
    ]
    raw = json.dumps({"readings": readings}).replace('"VALUE"', value)

    response = device("readings", raw)

    assert response.status_code == 202
    body = response.json()
    if code is None:
        assert body == {"accepted": 2, "rejected": []}
    else:
        assert body["accepted"] == 1
        assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, code)]
        assert Reading.objects.count() == 1


@pytest.mark.parametrize(
    ("event", "code"),
    [
        ({"type": "lamp", "ts": "0001-01-01T00:00:00+23:59", "state": "on"}, "ts_too_old"),
        ({"type": "lamp", "ts": "9999-12-31T23:59:59-23:59", "state": "on"}, "ts_future"),
        ({"type": "lamp", "ts": "NOW", "state": "fault", "detail": "bad\ud800"}, "detail_invalid"),
        ({"type": "lamp", "ts": "NOW", "state": "fault", "detail": "bad\x00"}, "detail_invalid"),
        (
            {"type": "charging_start", "ts": "NOW", "connector": 1, "session": "s\ud800"},
            "session_invalid",
        ),
        (
            {"type": "charging_start", "ts": "NOW", "connector": 1, "session": "s\x00"},
            "session_invalid",
        ),
        (
            {"type": "charging_stop", "ts": "NOW", "connector": 1, "session": "s", "energy_kwh": 0},
            "value_invalid",
        ),
        ({"type": ["lamp"], "ts": "NOW"}, "type_unknown"),
        ({"type": "lamp", "ts": "NOW", "state": {"on": 1}}, "state_invalid"),
    ],
)
def test_a_hostile_event_rejects_only_itself(device, event, code):
    event = {**event, "ts": now_iso() if event["ts"] == "NOW" else event["ts"]}
    start = {"type": "charging_start", "ts": now_iso(2), "connector": 1, "session": "ok"}
    # An energy that overflows on conversion to float: an integer of 401 digits.
    raw = json.dumps({"events": [start, event]}).replace(
        '"energy_kwh": 0', '"energy_kwh": 1' + "0" * 400
    )

    response = device("events", raw)

    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, code)]
    assert list(ChargingSession.objects.values_list("session_id", flat=True)) == ["ok"]


def test_the_mqtt_bridge_survives_a_deeply_nested_message(pole, caplog):
    payload = ("[" * 100_000 + "]" * 100_000).encode()

    with translation.override("en"):
        assert mqtt.handle_message(f"poles/{pole.number}/readings", payload) is None
    assert "nested" in caplog.text
    assert not IngestBatch.objects.exists()
