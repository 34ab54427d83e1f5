"""The outbox: every e-mail the portal sends goes through here.

``mail_queue`` writes one row per e-mail inside the transaction that causes it (a case event, a
comment, an alarm), so a rollback takes the e-mail with it and a commit can never lose it. After
the commit a worker sends it (``mail_send``); a refused send is tried again with exponential
backoff by the beat job ``mail_dispatch``, up to ``MAIL_MAX_ATTEMPTS``, and then shows as
failed in the administration, where it can be sent again. Delivery is at least once: a worker
killed between the relay's answer and the row's update sends the e-mail a second time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from portal.audit import audit_record
from portal.i18n import language_normalise
from portal.jobs import job_enqueue
from portal.models import MailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

SEND_TASK = "portal.tasks.mail_send"
LEASE = timedelta(minutes=5)  # a claimed e-mail not marked sent by then is due again
NOT_READY_DELAY = timedelta(seconds=30)
# An attachment still missing this long after queueing counts as a failed attempt from then on.
NOT_READY_GIVE_UP = timedelta(hours=1)


class AttachmentNotReady(Exception):
    """Raised by an attachment source whose file does not exist yet (a receipt being built)."""


Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def absolute_url(path: str) -> str:
    """An absolute link for e-mails (``PORTAL_BASE_URL`` + path)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def mail_queue(
    *,
    key: str,
    to: str | Iterable[str],
    subject: str,
    body: str,
    reply_to: Iterable[str] = (),
    attachments_from: str = "",
    attachments_args: dict[str, Any] | None = None,
) -> OutgoingEmail | None:
    """Put one e-mail in the outbox; it is sent after the current transaction commits.

    ``key`` names the e-mail for idempotency (e.g. ``services.event:41:applicant``): queueing
    the same key twice returns None the second time and sends nothing more. ``attachments_from``
    is the dotted path of a function called with ``attachments_args`` at send time that returns
    ``[(name, content, mimetype)]`` or raises ``AttachmentNotReady``.
    """
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return None
    if attachments_from:
        import_string(attachments_from)  # a typo fails here, in the caller's transaction
    email = OutgoingEmail(
        key=key[:200],
        to=recipients,
        reply_to=list(reply_to),
        subject=" ".join(subject.split())[:998],
        body=body,
        attachments_from=attachments_from,
        attachments_args=attachments_args or {},
    )
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not break the caller's
            email.save()
    except IntegrityError:
        if OutgoingEmail.objects.filter(key=email.key).exists():
            return None
        raise
    job_enqueue(SEND_TASK, email.pk)
    return email


def mail_queue_template(
    *,
    key: str,
    to: str | Iterable[str],
    template: str,
    context: dict[str, Any],
    language: str | None,
    **options: Any,
) -> OutgoingEmail | None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in the recipient's language and
    queue the e-mail (see ``mail_queue`` for the options)."""
    with translation.override(language_normalise(language)):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return mail_queue(key=key, to=to, subject=subject, body=body, **options)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


def mail_send(*, email_id: int, now: Any = None) -> str:
    """Send one queued e-mail if it is due. Idempotent: an atomic claim on the row.

    Returns what happened: ``sent``, ``retry``, ``failed`` or ``skipped`` (not due, or another
    worker holds it, or it was sent already).
    """
    now = now or timezone.now()
    claimable = Q(status=MailStatus.PENDING) | Q(status=MailStatus.SENDING, claimed_until__lt=now)
    claimed = OutgoingEmail.objects.filter(claimable, pk=email_id, next_attempt_at__lte=now).update(
        status=MailStatus.SENDING, claimed_until=now + LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        message = EmailMessage(
            subject=email.subject, body=email.body, to=email.to, reply_to=email.reply_to or None
        )
        if email.attachments_from:
            for name, content, mimetype in import_string(email.attachments_from)(
                **email.attachments_args
            ):
                message.attach(name, content, mimetype)
        message.send()
    except AttachmentNotReady as exc:
        if now - email.created_at > NOT_READY_GIVE_UP:
            return _mail_refused(email, exc, now=now)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=MailStatus.PENDING,
            claimed_until=None,
            attempts=F("attempts") - 1,
            next_attempt_at=now + NOT_READY_DELAY,
        )
        return "retry"
    except Exception as exc:  # the relay refused, timed out, or a template/file is broken
        return _mail_refused(email, exc, now=now)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=MailStatus.SENT, claimed_until=None, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _mail_refused(email: OutgoingEmail, exc: Exception, *, now: Any) -> str:
    logger.warning("E-mail %s (%s) not sent: %r", email.pk, email.key, exc)
    gave_up = email.attempts >= settings.MAIL_MAX_ATTEMPTS
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=MailStatus.FAILED if gave_up else MailStatus.PENDING,
        claimed_until=None,
        next_attempt_at=now + _backoff(email.attempts),
        last_error=repr(exc)[:2000],
    )
    return "failed" if gave_up else "retry"


def mails_due(*, now: Any = None, limit: int = 500) -> list[int]:
    """Ids of e-mails that should be sent now: waiting and due, or claimed by a lost worker."""
    now = now or timezone.now()
    due = OutgoingEmail.objects.filter(
        Q(status=MailStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=MailStatus.SENDING, claimed_until__lt=now)
    )
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def mail_resend(*, emails: Iterable[OutgoingEmail], actor: Any) -> int:
    """Staff: send failed (or sent) e-mails again now, with a fresh number of attempts."""
    count = 0
    with transaction.atomic():
        for email in emails:
            if email.status == MailStatus.SENDING:
                continue
            email.status = MailStatus.PENDING
            email.attempts = 0
            email.next_attempt_at = timezone.now()
            email.claimed_until = None
            email.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_until"])
            audit_record(actor=actor, obj=email, message="Queued to be sent again.")
            job_enqueue(SEND_TASK, email.pk)
            count += 1
    return count


def mails_purge(*, now: Any = None) -> int:
    """Delete sent and given-up e-mails older than ``MAIL_RETENTION_DAYS`` (they hold personal
    data). Idempotent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MAIL_RETENTION_DAYS)
    deleted, _ = OutgoingEmail.objects.filter(
        status__in=[MailStatus.SENT, MailStatus.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted
