"""Celery tasks of the Beteiligungsplattform: thin, idempotent adapters over services.

E-mails are not tasks here: the services put them into the portal's outbox (``portal.mail``),
which sends and retries them."""

from celery import shared_task

from participation import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def build_version_pdf(version_id: int) -> bool:
    # Idempotent: a version that already has its PDF is skipped (checked under a row lock).
    return services.version_pdf_build(version_id=version_id)
