"""The inbox pipeline: events, dead letters, re-enqueueing, and 503 on a busy database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from smartcity import services
from smartcity.models import BatchStatus, ChargingSession, IngestBatch, Reading
from tests.smartcity.test_ingest import ago

pytestmark = pytest.mark.django_db


def test_charging_events_become_sessions_with_energy_and_meter_readings(device, pole):
    response = device(
        "events",
        {
            "events": [
                {"type": "charging_start", "ts": ago(minutes=50), "connector": 1, "session": "s-1"},
                {
                    "type": "charging_stop",
                    "ts": ago(minutes=5),
                    "connector": 1,
                    "session": "s-1",
                    "energy_kwh": 18.4,
                    "meter_kwh": 1234.5,
                },
                {"type": "wifi", "ts": ago(minutes=5), "clients": 17},
            ]
        },
    )

    assert response.json() == {"accepted": 3, "rejected": []}
    session = ChargingSession.objects.get()
    assert (session.connector, session.energy_kwh) == (1, 18.4)
    assert session.ended_at > session.started_at
    assert pole.channels.get(key="energy").latest_value == 1234.5
    assert pole.channels.get(key="wifi_clients").latest_value == 17


def test_a_stop_before_its_start_still_makes_one_session(device):
    device(
        "events",
        {
            "events": [
                {
                    "type": "charging_stop",
                    "ts": ago(minutes=5),
                    "connector": 2,
                    "session": "s-2",
                    "energy_kwh": 3,
                }
            ]
        },
    )
    device(
        "events",
        {
            "events": [
                {"type": "charging_start", "ts": ago(minutes=40), "connector": 2, "session": "s-2"}
            ]
        },
    )

    session = ChargingSession.objects.get()
    assert session.energy_kwh == 3
    assert session.ended_at - session.started_at > timedelta(minutes=30)


@pytest.mark.parametrize(
    ("event", "code"),
    [
        ({"type": "teleport"}, "type_unknown"),
        ({"type": "charging_start", "connector": 3, "session": "x"}, "value_invalid"),
        ({"type": "charging_start", "connector": 1, "session": ""}, "session_invalid"),
        (
            {"type": "charging_stop", "connector": 1, "session": "x", "energy_kwh": -1},
            "value_out_of_range",
        ),
        ({"type": "lamp", "state": "blinking"}, "state_invalid"),
        ({"type": "lamp", "state": "dimmed"}, "value_invalid"),
        ({"type": "lamp", "state": "dimmed", "level": 120}, "value_invalid"),
        ({"type": "wifi", "clients": -3}, "value_invalid"),
        ({"type": "wifi", "clients": 2.5}, "value_invalid"),
    ],
)
def test_each_bad_event_is_rejected_with_its_reason(device, event, code):
    response = device("events", {"events": [{"ts": ago(minutes=1), **event}]})

    assert response.status_code == 202
    assert [r["code"] for r in response.json()["rejected"]] == [code]
    assert not IngestBatch.objects.exists()


def test_a_batch_that_keeps_failing_becomes_a_dead_letter_and_can_be_requeued(pole, settings):
    settings.SMARTCITY_MAX_ATTEMPTS = 3
    batch = IngestBatch.objects.create(pole=pole, kind="readings", payload={"readings": "broken"})

    for _attempt in range(2):
        with pytest.raises(ValueError, match="unpack"):
            services.batch_process(batch_id=batch.pk)
    assert services.batch_process(batch_id=batch.pk) is False

    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchStatus.DEAD, 3)
    assert batch.error
    channel = pole.channels.get(key="pm10")
    IngestBatch.objects.filter(pk=batch.pk).update(
        payload={"readings": [[channel.pk, ago(minutes=1), 4.0]]}
    )

    services.batch_requeue(batch=batch)
    services.batch_process(batch_id=batch.pk)  # what the queued task does

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Reading.objects.count() == 1


def test_the_beat_task_processes_batches_whose_queue_message_was_lost(pole, settings):
    """Redis is not the record: a batch in the inbox without a queue message is found."""
    channel = pole.channels.get(key="pm10")
    batch = IngestBatch.objects.create(
        pole=pole,
        kind="readings",
        payload={"readings": [[channel.pk, ago(minutes=1), 4.0]]},
        created_at=timezone.now() - timedelta(minutes=10),
    )
    fresh = IngestBatch.objects.create(
        pole=pole, kind="readings", payload={"readings": [[channel.pk, ago(minutes=2), 5.0]]}
    )

    assert services.batches_requeue_stale() == [batch.pk]  # eager: processed right here

    batch.refresh_from_db()
    fresh.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert fresh.status == BatchStatus.PENDING
    assert Reading.objects.count() == 1


def test_a_claimed_batch_is_left_alone_until_its_lease_ends(pole):
    channel = pole.channels.get(key="pm10")
    batch = IngestBatch.objects.create(
        pole=pole,
        kind="readings",
        payload={"readings": [[channel.pk, ago(minutes=1), 4.0]]},
        leased_until=timezone.now() + timedelta(minutes=1),
    )

    assert services.batch_process(batch_id=batch.pk) is False
    IngestBatch.objects.filter(pk=batch.pk).update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    assert services.batch_process(batch_id=batch.pk) is True


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_with_retry_after_when_the_database_cannot_take_the_batch(
    postgres_db, client, settings
):
    """A real lock held by another session: the inbox write times out, nothing is accepted."""
    import psycopg

    from tests.smartcity.factories import PoleFactory

    pole = PoleFactory(number="CR-503")
    token = services.pole_token_rotate(pole=pole)
    settings.SMARTCITY_INBOX_TIMEOUT_MS = 300
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as other:
        other.execute(f"LOCK TABLE {IngestBatch._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        response = client.post(
            "/api/v1/smartcity/readings",
            data={"readings": [{"channel": "pm10", "ts": ago(minutes=1), "value": 1}]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        other.rollback()

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert not IngestBatch.objects.exists()
    assert settings.SMARTCITY_INBOX_TIMEOUT_MS == 300


def test_an_unreachable_broker_keeps_the_batch_in_the_inbox_and_the_answer_202(device, monkeypatch):
    """Redis down: the batch is committed, the pole hears 202, the beat task sends it later."""
    from kombu.exceptions import OperationalError as BrokerError

    from portal.celery import app as celery_app

    def refuse(*args, **kwargs):
        raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(celery_app, "send_task", refuse)

    response = device(
        "readings", {"readings": [{"channel": "pm10", "ts": ago(minutes=1), "value": 7}]}
    )

    assert response.status_code == 202
    assert response.json()["accepted"] == 1
    assert IngestBatch.objects.get().status == BatchStatus.PENDING
    assert not Reading.objects.exists()
