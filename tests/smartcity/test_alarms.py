"""Alarms: thresholds with hysteresis, EU default limits, lamp faults, offline poles, e-mail."""

import contextlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from portal.models import MailStatus, OutgoingEmail, Role
from portal.tasks import mail_dispatch
from smartcity import services
from smartcity.models import Alarm, AlarmKind, Threshold
from tests.factories import UserFactory
from tests.smartcity.test_ingest import ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def noise_limit():
    return Threshold.objects.create(
        name="Noise at night", kind="noise", limit=70, clear_level=60, aggregate="latest"
    )


def send(pole, key, value, minutes_ago):
    channel = pole.channels.get(key=key)
    services.readings_apply(
        rows=[(channel.pk, timezone.now() - timedelta(minutes=minutes_ago), value)]
    )


def test_a_value_above_the_limit_opens_one_alarm_that_stays_open_until_the_clear_level(
    pole, noise_limit
):
    send(pole, "noise", 75, 10)
    assert Alarm.objects.open().filter(pole=pole).count() == 1

    send(pole, "noise", 65, 9)  # below the limit, above the clear level: no flapping
    send(pole, "noise", 72, 8)
    assert Alarm.objects.filter(pole=pole).count() == 1
    assert Alarm.objects.open().filter(pole=pole).count() == 1

    send(pole, "noise", 55, 7)
    assert Alarm.objects.open().filter(pole=pole).count() == 0

    send(pole, "noise", 80, 6)
    assert Alarm.objects.filter(pole=pole).count() == 2
    assert Alarm.objects.open().get().value == 80


def test_a_late_reading_does_not_reopen_an_alarm_on_a_newer_state(pole, noise_limit):
    send(pole, "noise", 50, 1)
    send(pole, "noise", 90, 30)  # late: the latest value is still 50

    assert not Alarm.objects.exists()


@pytest.fixture
def default_thresholds(db):
    """The data migration's rows (a transactional test elsewhere may have flushed them)."""
    from importlib import import_module

    from django.apps import apps

    if Threshold.objects.filter(source__startswith="2008/50/EC").exists():
        return  # still there
    import_module("smartcity.migrations.0002_default_thresholds").create(apps, None)
    import_module("smartcity.migrations.0008_threshold_names_german").name_languages(apps, None)


def test_the_eu_no2_hourly_mean_limit_is_a_default_threshold(pole, default_thresholds):
    assert Threshold.objects.filter(kind="no2", aggregate="hourly_mean", limit=200).exists()
    channel = pole.channels.get(key="no2")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    services.readings_apply(
        rows=[(channel.pk, hour + timedelta(seconds=s), v) for s, v in [(1, 150.0), (2, 300.0)]]
    )

    alarm = Alarm.objects.open().get(pole=pole)
    assert alarm.kind == AlarmKind.THRESHOLD
    assert alarm.value == 225.0
    assert "NO2" in alarm.message


def test_a_lamp_fault_opens_an_alarm_and_the_next_lamp_state_closes_it(device, pole):
    device(
        "events",
        {
            "events": [
                {"type": "lamp", "ts": ago(minutes=5), "state": "fault", "detail": "LED driver"}
            ]
        },
    )
    alarm = Alarm.objects.open().get(pole=pole)
    assert alarm.kind == AlarmKind.LAMP_FAULT
    assert "LED driver" in alarm.message

    device(
        "events",
        {"events": [{"type": "lamp", "ts": ago(minutes=1), "state": "dimmed", "level": 40}]},
    )

    assert not Alarm.objects.open().exists()
    assert pole.channels.get(key="light_level").latest_value == 40
    assert pole.lamp_events.count() == 2


def test_a_silent_pole_is_reported_offline_and_back_when_data_arrives(pole, settings):
    settings.SMARTCITY_OFFLINE_MINUTES = 15
    send(pole, "temperature", 5, 20)

    assert services.poles_detect_offline() == 1
    assert services.poles_detect_offline() == 0  # still one open alarm
    assert Alarm.objects.open().get().kind == AlarmKind.OFFLINE

    send(pole, "temperature", 5, 1)

    assert not Alarm.objects.open().exists()
    services.poles_detect_offline()
    assert not Alarm.objects.open().exists()


def test_a_pole_in_maintenance_is_not_reported_offline(pole):
    send(pole, "temperature", 5, 60)
    pole.status = "maintenance"
    pole.save(update_fields=["status"])

    assert services.poles_detect_offline() == 0


def test_operators_get_one_mail_for_new_alarms_and_then_a_pause(
    pole, operator, noise_limit, django_capture_on_commit_callbacks
):
    send(pole, "noise", 75, 10)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.alarms_notify() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [operator.email]
    assert pole.number in mail.outbox[0].body
    assert mail.outbox[0].body.endswith("/smartcity/betrieb/alarme/")

    send(pole, "noise", 55, 9)
    send(pole, "noise", 80, 8)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alarms_notify() == 0  # rate limit: the next mail waits
    assert len(mail.outbox) == 1
    later = timezone.now() + timedelta(minutes=16)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alarms_notify(now=later) == 1
    assert len(mail.outbox) == 2


class RefusingBackend(BaseEmailBackend):
    """A mail relay that is down."""

    def send_messages(self, email_messages):
        raise OSError("Connection refused")


def test_a_refused_alarm_e_mail_stays_in_the_outbox_and_goes_out_on_the_next_dispatch(
    settings, pole, operator, noise_limit, django_capture_on_commit_callbacks
):
    send(pole, "noise", 75, 10)
    alarm = Alarm.objects.get()
    settings.EMAIL_BACKEND = "tests.smartcity.test_alarms.RefusingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        assert services.alarms_notify() == 1

    email = OutgoingEmail.objects.get()
    assert email.key == f"smartcity.alarms:{alarm.pk}-{alarm.pk}:user:{operator.pk}"
    assert email.status == MailStatus.PENDING
    assert "Connection refused" in email.last_error
    assert mail.outbox == []
    alarm.refresh_from_db()
    assert alarm.notified_at is not None  # claimed: the next beat run does not mail it again
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alarms_notify(now=timezone.now() + timedelta(minutes=16)) == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    mail_dispatch()

    email.refresh_from_db()
    assert email.status == MailStatus.SENT
    assert [m.to for m in mail.outbox] == [[operator.email]]
    assert pole.number in mail.outbox[0].body


def test_every_operator_gets_the_alarm_e_mail_of_their_own(
    pole, operator, noise_limit, django_capture_on_commit_callbacks
):
    other = UserFactory(email="otto@stadt.example", staff=True)
    other.groups.add(Group.objects.get(name=Role.OPERATOR.value))
    UserFactory(email="citizen@example.org")  # not an operator
    send(pole, "noise", 75, 10)

    with django_capture_on_commit_callbacks(execute=True):
        services.alarms_notify()

    assert sorted(m.to[0] for m in mail.outbox) == ["olga@stadt.example", "otto@stadt.example"]
    assert all(len(m.to) == 1 for m in mail.outbox)


def test_an_alarm_e_mail_rolled_back_with_its_claim_is_neither_sent_nor_lost(
    pole, operator, noise_limit, django_capture_on_commit_callbacks
):
    send(pole, "noise", 75, 10)

    with (
        django_capture_on_commit_callbacks(execute=True),
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        services.alarms_notify()
        raise RuntimeError("the beat worker dies before the commit")

    assert not OutgoingEmail.objects.exists()
    assert Alarm.objects.get().notified_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alarms_notify() == 1
    assert len(mail.outbox) == 1


def test_an_operator_acknowledges_an_alarm_with_a_note(pole, operator, noise_limit):
    send(pole, "noise", 75, 10)
    alarm = Alarm.objects.get()

    services.alarm_acknowledge(alarm=alarm, user=operator, note="  Baustelle nebenan  ")

    alarm.refresh_from_db()
    assert alarm.acknowledged_by == operator
    assert alarm.note == "Baustelle nebenan"
    assert alarm.closed_at is None  # acknowledged is not closed
