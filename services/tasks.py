"""Celery tasks of the Serviceportal: thin, idempotent adapters over services.

E-mails are not sent here: they go through the outbox (``portal.mail``), queued by the service
that causes them.
"""

from celery import shared_task

from services import defects, notifications, services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def receipt_build(case_id: int) -> None:
    # Idempotent: the receipt is built only if the case has none (checked under a row lock).
    notifications.receipt_build(case_id=case_id)


@shared_task
def anonymise_expired_cases() -> int:
    # Idempotent: anonymised cases are skipped (anonymised_at is set); unconfirmed defect
    # follows past their week are deleted, a second run finds none.
    defects.followers_purge_unconfirmed()
    return services.cases_anonymise_expired()


@shared_task
def purge_expired_drafts() -> int:
    # Idempotent: a deleted draft is gone; each deletion re-checks its age under a row lock.
    return services.drafts_purge_expired()


@shared_task
def purge_unconfirmed_reports() -> int:
    # Idempotent: a removed report is gone and an anonymised one no longer matches; each is
    # checked again under a row lock.
    return defects.reports_purge_unconfirmed()
