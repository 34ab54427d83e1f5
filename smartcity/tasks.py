"""Celery tasks of Smart City: thin, idempotent adapters over services."""

from celery import shared_task

from smartcity import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=300, max_retries=8)
def process_batch(batch_id: int) -> bool:
    # Idempotent: an atomic claim on the inbox row (status pending, lease expired) and the
    # readings' key (channel, ts) with conflict-ignoring writes. A done or dead batch is skipped.
    return services.batch_process(batch_id=batch_id)


@shared_task
def requeue_stale_batches() -> int:
    # Idempotent: only enqueues ids; processing claims each batch once.
    return len(services.batches_requeue_stale())


@shared_task
def detect_offline_poles() -> int:
    # Idempotent: one open offline alarm per pole (partial unique constraint).
    return services.poles_detect_offline()


@shared_task
def notify_alarms() -> int:
    # Idempotent: alarms are claimed through notified_at in the transaction that puts their
    # e-mails in the outbox (keyed by the batch), which sends and retries them.
    return services.alarms_notify()


@shared_task
def purge_raw_readings() -> int:
    # Idempotent: deleting what is older than the retention twice deletes nothing more.
    return services.readings_purge()
