"""Celery tasks of the site shell: thin adapters over services."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal import files, mail
from portal.jobs import job_send


@shared_task
def mail_send(email_id: int) -> str:
    # Idempotent: an atomic claim on the outbox row; a sent e-mail is skipped. A refused send
    # is scheduled again by the row's next_attempt_at, which mail_dispatch picks up.
    return mail.mail_send(email_id=email_id)


@shared_task
def mail_dispatch() -> int:
    # Idempotent: only enqueues ids; each send claims its row once.
    due = mail.mails_due()
    for email_id in due:
        job_send(mail.SEND_TASK, email_id)
    return len(due)


@shared_task
def mail_purge() -> int:
    # Idempotent: deleting what is past retention twice deletes nothing more.
    return mail.mails_purge()


@shared_task
def clear_expired_sessions() -> int:
    # Idempotent: deleting what has expired twice deletes nothing the second time.
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def media_orphans_sweep() -> int:
    # Idempotent: deleting files no row points to twice deletes nothing the second time.
    return files.media_orphans_sweep(grace=timedelta(hours=settings.MEDIA_ORPHAN_GRACE_HOURS))
