"""A reading whose value conflicts with a stored one: rejected by name, the stored value kept."""

import json
import logging
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from smartcity import mqtt, services
from smartcity.models import Channel, IngestBatch, Reading

pytestmark = pytest.mark.django_db


def ago(minutes: int = 1) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).astimezone(UTC).isoformat()


def stored(pole, key: str) -> list[float]:
    return list(
        Reading.objects.filter(channel__pole=pole, channel__key=key).values_list("value", flat=True)
    )


def test_a_reading_with_another_value_than_the_stored_one_is_rejected_by_index(device, pole):
    ts = ago()
    device("readings", {"readings": [{"channel": "pm10", "ts": ts, "value": 10.0}]})

    response = device(
        "readings",
        {
            "readings": [
                {"channel": "temperature", "ts": ts, "value": 4.5},
                {"channel": "pm10", "ts": ts, "value": 99.0},
            ]
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, "value_conflict")]
    assert "10.0" in body["rejected"][0]["error"]
    assert stored(pole, "pm10") == [10.0]
    assert stored(pole, "temperature") == [4.5]


def test_an_exact_repeat_of_a_stored_reading_is_still_accepted(device, pole):
    body = {"readings": [{"channel": "pm10", "ts": ago(), "value": 10}]}
    device("readings", body)

    response = device("readings", body)

    assert response.json() == {"accepted": 1, "rejected": []}
    assert stored(pole, "pm10") == [10.0]


def test_two_values_for_one_channel_and_time_in_one_body_keep_the_first(device, pole):
    ts = ago()
    readings = [
        {"channel": "pm10", "ts": ts, "value": 1},
        {"channel": "pm10", "ts": "bad", "value": 1},
        {"channel": "pm10", "ts": ts, "value": 1},
        {"channel": "pm10", "ts": ts, "value": 2},
    ]

    response = device("readings", {"readings": readings})

    body = response.json()
    assert body["accepted"] == 2
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [
        (1, "ts_invalid"),
        (3, "value_conflict"),
    ]
    assert stored(pole, "pm10") == [1.0]


def test_the_conflict_check_is_one_query_whatever_the_body_size(pole):
    def queries(n: int) -> int:
        start = timezone.now() - timedelta(hours=2)
        body = {
            "readings": [
                {"channel": "pm10", "ts": (start + timedelta(seconds=i)).isoformat(), "value": 1}
                for i in range(n)
            ]
        }
        with CaptureQueriesContext(connection) as ctx:
            services.readings_ingest(pole=pole, body=body)
        return len(ctx.captured_queries)

    assert queries(5) == queries(500)


def test_the_worker_keeps_the_first_value_and_counts_a_conflict_it_finds(pole, caplog):
    """Two batches accepted before either was written: the check at the door saw neither."""
    ts = ago()
    first = services.readings_ingest(
        pole=pole, body={"readings": [{"channel": "pm10", "ts": ts, "value": 10.0}]}
    )
    second = services.readings_ingest(
        pole=pole,
        body={
            "readings": [
                {"channel": "pm10", "ts": ts, "value": 99.0},
                {"channel": "no2", "ts": ts, "value": 5.0},
            ]
        },
    )
    assert second.rejected == []

    services.batch_process(batch_id=first.batch_id)
    with caplog.at_level(logging.WARNING, logger="smartcity.services.inbox"):
        services.batch_process(batch_id=second.batch_id)

    assert stored(pole, "pm10") == [10.0]
    assert stored(pole, "no2") == [5.0]
    assert Channel.objects.get(pole=pole, key="pm10").latest_value == 10.0
    assert IngestBatch.objects.get(pk=second.batch_id).conflicts == 1
    assert IngestBatch.objects.get(pk=first.batch_id).conflicts == 0
    assert "1 readings not stored" in caplog.text


def test_the_worker_processing_a_batch_again_counts_no_conflict(pole):
    result = services.readings_ingest(
        pole=pole, body={"readings": [{"channel": "pm10", "ts": ago(), "value": 3.0}]}
    )
    services.batch_process(batch_id=result.batch_id)
    IngestBatch.objects.filter(pk=result.batch_id).update(status="pending")

    services.batch_process(batch_id=result.batch_id)

    assert IngestBatch.objects.get(pk=result.batch_id).conflicts == 0
    assert stored(pole, "pm10") == [3.0]


def test_a_conflict_over_mqtt_is_logged_and_the_stored_value_kept(pole, caplog):
    ts = (timezone.now() - timedelta(minutes=1)).replace(microsecond=0)
    pm10 = Channel.objects.get(pole=pole, key="pm10")
    services.readings_apply(rows=[(pm10.pk, ts, 1.0)])
    readings = [
        {"channel": "pm10", "ts": ts.isoformat(), "value": 2},
        {"channel": "no2", "ts": ts.isoformat(), "value": 2},
    ]

    with translation.override("en"), caplog.at_level(logging.INFO, logger="smartcity.mqtt"):
        result = mqtt.handle_message(
            f"poles/{pole.number}/readings", json.dumps({"readings": readings}).encode()
        )

    assert result is not None
    assert result.accepted == 1
    assert [(r["index"], r["code"]) for r in result.rejected] == [(0, "value_conflict")]
    assert "1 readings conflict with a stored value" in caplog.text
    assert stored(pole, "pm10") == [1.0]
