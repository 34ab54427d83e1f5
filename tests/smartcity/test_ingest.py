"""The device API: every validation rule, the inbox, idempotent and out-of-order delivery."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartcity import services
from smartcity.models import BatchStatus, Channel, IngestBatch, Pole, Reading
from tests.smartcity.factories import PoleFactory

pytestmark = pytest.mark.django_db


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ago(**kwargs) -> str:
    return iso(timezone.now() - timedelta(**kwargs))


def test_accepted_readings_reach_the_table_and_the_pole_state(device, pole):
    ts = ago(minutes=2)
    response = device(
        "readings",
        {
            "readings": [
                {"channel": "pm10", "ts": ts, "value": 12.3},
                {"channel": "no2", "ts": ts, "value": 31},
            ]
        },
    )

    assert response.status_code == 202
    assert response.json() == {"accepted": 2, "rejected": []}
    assert Reading.objects.count() == 2
    pm10 = Channel.objects.get(pole=pole, key="pm10")
    assert pm10.latest_value == 12.3
    pole.refresh_from_db()
    assert pole.last_seen_at == datetime.fromisoformat(ts)
    assert IngestBatch.objects.get().status == BatchStatus.DONE


@pytest.mark.parametrize(
    ("reading", "code"),
    [
        ({"channel": "ozone", "ts": "NOW", "value": 1}, "channel_unknown"),
        ({"channel": 7, "ts": "NOW", "value": 1}, "channel_unknown"),
        ({"channel": "pm10", "ts": "NOW", "value": 1001}, "value_out_of_range"),
        ({"channel": "pm10", "ts": "NOW", "value": -0.1}, "value_out_of_range"),
        ({"channel": "noise", "ts": "NOW", "value": 10}, "value_out_of_range"),
        ({"channel": "pm10", "ts": "NOW", "value": "12"}, "value_invalid"),
        ({"channel": "pm10", "ts": "NOW", "value": True}, "value_invalid"),
        ({"channel": "pm10", "ts": "NOW", "value": None}, "value_invalid"),
        ({"channel": "pm10", "ts": "NOW", "value": float("inf")}, "value_invalid"),
        ({"channel": "pm10", "ts": "NOW", "value": float("nan")}, "value_invalid"),
        ({"channel": "pm10", "ts": "2026-11-23T10:00:00", "value": 1}, "ts_no_timezone"),
        ({"channel": "pm10", "ts": "yesterday", "value": 1}, "ts_invalid"),
        ({"channel": "pm10", "ts": 1732356000, "value": 1}, "ts_invalid"),
        ({"channel": "pm10", "ts": "FUTURE", "value": 1}, "ts_future"),
        ({"channel": "pm10", "ts": "OLD", "value": 1}, "ts_too_old"),
    ],
)
def test_each_bad_reading_is_rejected_with_its_index_and_the_rest_accepted(device, reading, code):
    times = {"NOW": ago(minutes=1), "FUTURE": ago(minutes=-6), "OLD": ago(days=401)}
    reading = {**reading, "ts": times.get(reading["ts"], reading["ts"])}
    good = {"channel": "temperature", "ts": ago(minutes=1), "value": 4.5}
    # json.dumps writes NaN and Infinity, which Python's json (and many devices) accept.
    response = device("readings", json.dumps({"readings": [good, reading]}))

    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, code)]
    assert body["rejected"][0]["error"]
    assert Reading.objects.count() == 1


def test_a_reading_four_minutes_ahead_is_accepted_for_clock_skew(device):
    response = device(
        "readings", {"readings": [{"channel": "pm10", "ts": ago(minutes=-4), "value": 3}]}
    )

    assert response.json() == {"accepted": 1, "rejected": []}


def test_a_time_with_an_offset_is_stored_as_the_same_instant(device):
    device(
        "readings",
        {"readings": [{"channel": "pm10", "ts": "2026-11-25T10:00:00+01:00", "value": 3}]},
    )

    if Reading.objects.exists():  # only when this test runs within the retention window
        assert Reading.objects.get().ts == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"values": []}',
        '{"readings": {"channel": "pm10"}}',
        '{"readings": [1]}',
        '{"readings": [{"channel": "pm10", "ts": "2026-11-23T10:00:00Z", "value": 1}, "x"]}',
        '"readings"',
    ],
)
def test_a_body_of_the_wrong_shape_is_400_and_nothing_is_accepted(device, body):
    response = device("readings", body)

    assert response.status_code == 400
    assert response.json()["message"]
    assert not IngestBatch.objects.exists()
    assert not Reading.objects.exists()


def test_more_than_the_maximum_readings_per_request_is_400(device, settings):
    settings.SMARTCITY_MAX_BATCH = 3
    reading = {"channel": "pm10", "ts": ago(minutes=1), "value": 1}

    response = device("readings", {"readings": [reading] * 4})

    assert response.status_code == 400
    assert "3" in response.json()["message"]
    assert not IngestBatch.objects.exists()


def test_the_error_message_follows_the_requested_language(device):
    german = device("readings", "kaputt", HTTP_ACCEPT_LANGUAGE="de")
    english = device("readings", "kaputt", HTTP_ACCEPT_LANGUAGE="en")

    assert german.json()["message"] == "Der Inhalt ist kein gültiges JSON."
    assert english.json()["message"] == "The body is not valid JSON."


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer wrong-token", "Basic abc"])
def test_a_missing_or_unknown_token_is_401(client, pole, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.post(
        "/api/v1/smartcity/readings",
        data={"readings": []},
        content_type="application/json",
        **extra,
    )

    assert response.status_code == 401
    assert not IngestBatch.objects.exists()


def test_a_rotated_token_stops_working_and_the_new_one_works(client, pole, token, capsys):
    call_command("pole_token", pole.number)
    new_token = capsys.readouterr().out.strip()
    body = {"readings": [{"channel": "pm10", "ts": ago(minutes=1), "value": 1}]}

    def post(t):
        return client.post(
            "/api/v1/smartcity/readings",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {t}",
        ).status_code

    assert new_token != token
    assert post(token) == 401
    assert post(new_token) == 202
    assert pole.tokens.get(revoked_at__isnull=True).token_hash != new_token  # stored hashed


def test_a_revoked_token_is_401(device, pole):
    services.pole_token_revoke(pole=pole)

    response = device("readings", {"readings": []})

    assert response.status_code == 401


def test_a_retired_pole_cannot_send(device, pole):
    pole.status = "retired"
    pole.save(update_fields=["status"])

    assert device("readings", {"readings": []}).status_code == 401


def test_the_same_batch_sent_twice_is_stored_once(device):
    body = {
        "readings": [
            {"channel": "pm10", "ts": ago(minutes=m), "value": float(m)} for m in range(1, 50)
        ]
    }
    device("readings", body)
    device("readings", body)

    assert Reading.objects.count() == 49
    assert IngestBatch.objects.filter(status=BatchStatus.DONE).count() == 2


def test_a_batch_processed_again_writes_nothing_more(device):
    device("readings", {"readings": [{"channel": "pm10", "ts": ago(minutes=1), "value": 1}]})
    batch = IngestBatch.objects.get()
    IngestBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PENDING)

    assert services.batch_process(batch_id=batch.pk) is True
    assert services.batch_process(batch_id=batch.pk) is False
    assert Reading.objects.count() == 1


def test_duplicates_within_one_batch_are_one_reading(device):
    ts = ago(minutes=1)
    device("readings", {"readings": [{"channel": "pm10", "ts": ts, "value": 1}] * 3})

    assert Reading.objects.count() == 1


def test_late_and_out_of_order_readings_are_stored_and_keep_the_newest_as_latest(device, pole):
    device("readings", {"readings": [{"channel": "pm10", "ts": ago(minutes=1), "value": 20}]})
    device("readings", {"readings": [{"channel": "pm10", "ts": ago(hours=30), "value": 5}]})

    assert Reading.objects.count() == 2
    assert Channel.objects.get(pole=pole, key="pm10").latest_value == 20
    assert pole.channels.get(key="pm10").daily.count() >= 1


def test_hourly_and_daily_rollups_hold_min_max_and_mean(pole):
    channel = pole.channels.get(key="temperature")
    hour = (timezone.now() - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    rows = [
        (channel.pk, hour + timedelta(minutes=m), v) for m, v in [(0, 2.0), (20, 4.0), (40, 9.0)]
    ]

    services.readings_apply(rows=rows)
    services.readings_apply(rows=[(channel.pk, hour + timedelta(minutes=50), 5.0)])

    rollup = channel.hourly.get()
    assert (rollup.minimum, rollup.maximum, rollup.count, rollup.mean) == (2.0, 9.0, 4, 5.0)
    daily = channel.daily.get(day=hour.astimezone(UTC).date())
    assert daily.count >= 4


def test_raw_readings_past_the_retention_are_purged_and_rollups_kept(pole, settings):
    channel = pole.channels.get(key="temperature")
    old = timezone.now() - timedelta(days=10)
    services.readings_apply(rows=[(channel.pk, old, 1.0), (channel.pk, timezone.now(), 2.0)])
    settings.SMARTCITY_RAW_RETENTION_DAYS = 5

    assert services.readings_purge() == 1
    assert Reading.objects.count() == 1
    assert channel.hourly.count() == 2


def test_items_after_a_good_one_with_the_same_time_are_checked_just_as_strictly(device):
    ts = ago(minutes=1)
    good = {"channel": "pm10", "ts": ts, "value": 12}
    bad = [
        ({"channel": "pm10", "ts": ts, "value": 1001}, "value_out_of_range"),
        ({"channel": "pm10", "ts": ts, "value": True}, "value_invalid"),
        ({"channel": "pm10", "ts": ts, "value": float("nan")}, "value_invalid"),
        ({"channel": "pm10", "ts": ts, "value": "3"}, "value_invalid"),
        ({"channel": "ozone", "ts": ts, "value": 3}, "channel_unknown"),
    ]

    response = device("readings", {"readings": [good] + [item for item, _code in bad]})

    assert response.json()["accepted"] == 1
    assert [(r["index"], r["code"]) for r in response.json()["rejected"]] == [
        (i, code) for i, (_item, code) in enumerate(bad, start=1)
    ]
    assert Reading.objects.count() == 1


def test_rollups_stay_exact_when_new_late_and_repeated_readings_mix(pole):
    channel = pole.channels.get(key="temperature")
    hour = (timezone.now() - timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    first = [(channel.pk, hour + timedelta(minutes=m), float(m)) for m in (10, 20)]

    services.readings_apply(rows=first)
    services.readings_apply(rows=[(channel.pk, hour + timedelta(minutes=30), 30.0)])
    services.readings_apply(rows=first)  # re-delivered: nothing counted twice
    services.readings_apply(rows=[(channel.pk, hour + timedelta(minutes=5), 5.0), *first])

    rollup = channel.hourly.get()
    assert (rollup.minimum, rollup.maximum, rollup.count, rollup.total) == (5.0, 30.0, 4, 65.0)
    assert channel.daily.get().count == 4


def test_deleting_a_pole_deletes_its_readings(pole):
    other = PoleFactory(number="CR-002").channels.get(key="pm10")
    for channel in [pole.channels.get(key="pm10"), other]:
        services.readings_apply(rows=[(channel.pk, timezone.now(), 1.0)])

    services.poles_delete(poles=Pole.objects.filter(pk=pole.pk))

    assert list(Reading.objects.values_list("channel_id", flat=True)) == [other.pk]


def test_readings_of_a_channel_deleted_before_processing_are_dropped(pole):
    keep, gone = pole.channels.get(key="pm10"), pole.channels.get(key="no2")
    ts = ago(minutes=1)
    batch = IngestBatch.objects.create(
        pole=pole, kind="readings", payload={"readings": [[keep.pk, ts, 1.0], [gone.pk, ts, 2.0]]}
    )

    services.channels_delete(channels=Channel.objects.filter(pk=gone.pk))
    assert services.batch_process(batch_id=batch.pk) is True

    assert list(Reading.objects.values_list("channel_id", flat=True)) == [keep.pk]
