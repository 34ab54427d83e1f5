"""Celery tasks of the site shell: thin adapters over services."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def forward_accessibility_feedback(feedback_id: int) -> bool:
    # Idempotent: the service claims the row (forwarded_at) before sending.
    return services.accessibility_feedback_forward(feedback_id=feedback_id)


@shared_task
def clear_expired_sessions() -> int:
    # Idempotent: deleting what has expired twice deletes nothing the second time.
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
