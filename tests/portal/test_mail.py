"""The outbox: every e-mail is written with the change that causes it and is never lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from portal import mail as outbox
from portal import tasks
from portal.models import MailStatus, OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class RefusingBackend(EmailBackend):
    """An SMTP relay that is down (the one thing outside the machine we stand in for)."""

    def send_messages(self, messages):
        raise OSError("Connection refused")


def _queue(key="test:1", **kwargs):
    with transaction.atomic():
        return outbox.mail_queue(
            key=key, to=["erika@example.org"], subject="Ihr Antrag", body="Hallo", **kwargs
        )


def test_an_email_is_sent_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
        assert mail.outbox == []  # nothing leaves before the commit

    assert [m.subject for m in mail.outbox] == ["Ihr Antrag"]
    email.refresh_from_db()
    assert email.status == MailStatus.SENT
    assert email.sent_at is not None


def test_a_rolled_back_change_takes_its_email_with_it(django_capture_on_commit_callbacks):
    def failing_change():
        with transaction.atomic():
            outbox.mail_queue(key="k", to="erika@example.org", subject="S", body="B")
            raise RuntimeError("the case could not be saved")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_change()

    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


def test_queueing_the_same_key_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue()
        second = _queue()

    assert first is not None
    assert second is None
    assert len(mail.outbox) == 1


def test_a_refused_send_is_retried_with_backoff_and_not_lost(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    email.refresh_from_db()
    assert email.status == MailStatus.PENDING
    assert email.attempts == 1
    assert "Connection refused" in email.last_error
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert tasks.mail_dispatch() == 0  # not due yet

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert tasks.mail_dispatch() == 1

    email.refresh_from_db()
    assert email.status == MailStatus.SENT
    assert email.attempts == 2
    assert [m.subject for m in mail.outbox] == ["Ihr Antrag"]


def test_after_the_last_attempt_the_email_shows_as_failed(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.RefusingBackend"
    settings.MAIL_MAX_ATTEMPTS = 2
    email = _queue()
    for _ in range(2):
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        outbox.mail_send(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == MailStatus.FAILED
    assert outbox.mails_due() == []


def test_an_email_claimed_by_a_killed_worker_is_sent_again_after_its_lease():
    email = _queue()
    # A worker claimed it and died before the relay answered.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=MailStatus.SENDING, claimed_until=timezone.now() + outbox.LEASE
    )
    assert outbox.mail_send(email_id=email.pk) == "skipped"  # another worker holds it

    later = timezone.now() + outbox.LEASE + timedelta(seconds=1)
    assert outbox.mails_due(now=later) == [email.pk]
    assert outbox.mail_send(email_id=email.pk, now=later) == "sent"
    assert len(mail.outbox) == 1


def test_an_attachment_that_is_not_ready_postpones_the_email_without_counting_an_attempt():
    email = _queue(attachments_from="tests.portal.test_mail.receipt_not_ready")

    assert outbox.mail_send(email_id=email.pk) == "retry"
    email.refresh_from_db()
    assert email.status == MailStatus.PENDING
    assert email.attempts == 0
    assert mail.outbox == []


def test_attachments_are_added_at_send_time():
    email = _queue(attachments_from="tests.portal.test_mail.receipt", attachments_args={"n": 7})

    assert outbox.mail_send(email_id=email.pk) == "sent"
    assert mail.outbox[0].attachments == [("quittung-7.pdf", b"%PDF-1.7", "application/pdf")]


def receipt_not_ready():
    raise outbox.AttachmentNotReady


def receipt(n):
    return [(f"quittung-{n}.pdf", b"%PDF-1.7", "application/pdf")]


def test_an_administrator_sends_a_failed_email_again_and_it_is_in_its_history(
    client, settings, django_capture_on_commit_callbacks
):
    from django.contrib.admin.models import LogEntry

    settings.ADMIN_MFA_REQUIRED = False
    admin = UserFactory(is_staff=True, is_superuser=True)
    email = _queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=MailStatus.FAILED, attempts=8)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/portal/outgoingemail/",
            {"action": "send_again", "_selected_action": [email.pk]},
            follow=True,
        )

    assert response.status_code == 200
    email.refresh_from_db()
    assert email.status == MailStatus.SENT
    assert len(mail.outbox) == 1
    entry = LogEntry.objects.get(object_id=str(email.pk))
    assert entry.user == admin
    assert "again" in entry.get_change_message()


def test_only_administrators_see_the_outbox(client, settings):
    settings.ADMIN_MFA_REQUIRED = False
    client.force_login(UserFactory(is_staff=True))

    assert client.get("/admin/portal/outgoingemail/").status_code == 403


def test_sent_emails_are_deleted_after_the_retention_period(settings):
    settings.MAIL_RETENTION_DAYS = 30
    old = _queue(key="old")
    fresh = _queue(key="fresh")
    OutgoingEmail.objects.update(status=MailStatus.SENT)
    OutgoingEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert tasks.mail_purge() == 1
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_an_attachment_missing_for_an_hour_counts_as_a_failed_attempt():
    email = _queue(attachments_from="tests.portal.test_mail.receipt_not_ready")
    later = timezone.now() + timedelta(hours=1, minutes=1)

    assert outbox.mail_send(email_id=email.pk, now=later) == "retry"
    email.refresh_from_db()
    assert email.attempts == 1
    assert "AttachmentNotReady" in email.last_error
