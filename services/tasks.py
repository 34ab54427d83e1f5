"""Celery tasks of the Serviceportal: thin, idempotent adapters over services and notifications."""

from celery import shared_task

from services import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def case_submitted(case_id: int, event_id: int, access_token: str = "") -> None:
    # Idempotent: the receipt is built only if the case has none; the e-mail is claimed
    # through CaseEvent.notified_at, so a second run sends nothing. ``access_token`` is the
    # anonymous applicant's status link secret (only its hash is stored).
    notifications.receipt_build(case_id=case_id)
    notifications.event_notify(event_id=event_id, access_token=access_token)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def notify_event(event_id: int) -> None:
    # Idempotent: claims CaseEvent.notified_at before sending.
    notifications.event_notify(event_id=event_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_draft_link(draft_id: int, token: str, language: str) -> None:
    # Idempotent enough: the service claims Draft.link_sent_at before enqueueing this task once.
    notifications.draft_link_send(draft_id=draft_id, token=token, language=language)


@shared_task
def anonymise_expired_cases() -> int:
    # Idempotent: anonymised cases are skipped (anonymised_at is set).
    from services import services

    return services.cases_anonymise_expired()
