"""The inbox and the worker's batch processing: the pipeline of Smart City.

``readings_ingest``/``events_ingest`` check a body and store the accepted part as one
``IngestBatch`` (the inbox, in PostgreSQL), then enqueue only its id after commit.
``batch_process`` claims a batch atomically, writes it (``readings_apply``/``events_apply``)
and marks it done in the same transaction. Every step is idempotent: a batch processed twice,
or readings sent twice, leave the same rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.jobs import job_send
from smartcity import ingest, selectors
from smartcity.models import BatchKind, BatchStatus, IngestBatch, Pole
from smartcity.services.readings import events_apply, readings_apply

logger = logging.getLogger(__name__)

PROCESS_TASK = "smartcity.tasks.process_batch"


@dataclass
class IngestResult:
    batch_id: int | None
    accepted: int
    rejected: list[dict]

    def as_json(self) -> dict:
        return {"accepted": self.accepted, "rejected": self.rejected}


def _inbox_write(*, pole: Pole, kind: str, items: list, source: str) -> int | None:
    if not items:
        return None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A database that cannot take the batch answers quickly (503), it does not hang.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET LOCAL lock_timeout = %s",
                    [f"{settings.SMARTCITY_INBOX_TIMEOUT_MS}ms"],
                )
        batch = IngestBatch.objects.create(
            pole=pole, kind=kind, source=source, payload={kind: items}, size=len(items)
        )
        transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch.pk


def _enqueue(batch_id: int) -> None:
    """Send the batch id to the workers now; a broker that is down loses nothing.

    Not ``portal.jobs.job_enqueue``: with in-process tasks that lets the task's own errors reach
    the caller, and an accepted (committed) batch must never turn into an error for the pole.
    Here every error is logged, the pole gets its 202 and ``batches_requeue_stale`` sends the id
    later.
    """
    try:
        job_send(PROCESS_TASK, batch_id)
    except Exception:
        # The batch is safe in the inbox; the beat task re-enqueues it.
        logger.exception("Could not enqueue batch %s; the beat task will retry.", batch_id)


def readings_ingest(*, pole: Pole, body: object, source: str = "http") -> IngestResult:
    """Check a readings body, store the accepted part in the inbox (raises PayloadError)."""
    parsed = ingest.parse_readings(body, pole=pole, now=timezone.now())
    _conflicts_reject(parsed)
    batch_id = _inbox_write(
        pole=pole, kind=BatchKind.READINGS, items=parsed.accepted, source=source
    )
    return IngestResult(batch_id, len(parsed.accepted), parsed.rejected)


def _conflicts_reject(parsed: ingest.Parsed) -> None:
    """Move accepted readings whose value differs from one stored or earlier in the body (same
    channel and time) to the rejects, so the pole learns of it; the stored value stays.

    An exact repeat stays accepted: a pole that retries a batch is fine. Set-based: one query
    for the whole body (``selectors.readings_stored``).
    """
    accepted = parsed.accepted
    first: dict[tuple[int, str], float] = {}
    conflicts: dict[int, str] = {}  # position in ``accepted`` -> reason
    for position, (channel_id, ts, value) in enumerate(accepted):
        if first.setdefault((channel_id, ts), value) != value:
            conflicts[position] = _(
                "The same channel and time come earlier in this body with another value."
            )
    stored = selectors.readings_stored(keys=list(first))
    if stored:
        for position, (channel_id, ts, value) in enumerate(accepted):
            known = stored.get((channel_id, ts))
            if known is not None and known != value:
                conflicts[position] = _(
                    "A reading of this channel at this time is already stored with the value "
                    "{value}; it is kept."
                ).format(value=known)
    if not conflicts:
        return
    # Accepted and rejected items together are the body's items, in order.
    rejected = {r["index"] for r in parsed.rejected}
    indexes = [i for i in range(len(accepted) + len(rejected)) if i not in rejected]
    parsed.rejected = sorted(
        parsed.rejected
        + [
            {"index": indexes[position], "code": "value_conflict", "error": reason}
            for position, reason in conflicts.items()
        ],
        key=lambda r: r["index"],
    )
    parsed.accepted = [item for p, item in enumerate(accepted) if p not in conflicts]


def events_ingest(*, pole: Pole, body: object, source: str = "http") -> IngestResult:
    parsed = ingest.parse_events(body, pole=pole, now=timezone.now())
    batch_id = _inbox_write(pole=pole, kind=BatchKind.EVENTS, items=parsed.accepted, source=source)
    return IngestResult(batch_id, len(parsed.accepted), parsed.rejected)


# --- Worker --------------------------------------------------------------------------------------


def batch_process(*, batch_id: int) -> bool:
    """Process one inbox batch. Returns False if it was done, dead or claimed by another worker.

    Idempotent by an atomic claim (a lease on the row) and by the readings' key: a batch that is
    processed again after a crash writes no second row.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.SMARTCITY_BATCH_LEASE_SECONDS)
    claimed = (
        IngestBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    batch = IngestBatch.objects.select_related("pole").get(pk=batch_id)
    try:
        # The batch's writes and its "done" mark commit together: a crash leaves it pending.
        with transaction.atomic():
            if batch.kind == BatchKind.READINGS:
                times: dict[str, datetime] = {}
                rows = []
                for c, t, v in batch.payload["readings"]:
                    ts = times.get(t)
                    if ts is None:
                        ts = times[t] = datetime.fromisoformat(t)
                    rows.append((c, ts, v))
                conflicts = readings_apply(rows=rows)
            else:
                conflicts = events_apply(pole=batch.pole, events=batch.payload["events"])
            IngestBatch.objects.filter(pk=batch_id).update(
                status=BatchStatus.DONE,
                processed_at=timezone.now(),
                leased_until=None,
                error="",
                conflicts=conflicts,
            )
        if conflicts:
            # Accepted while an earlier batch with other values for the same channel and time
            # was still in the inbox: the first value is kept, the pole has had its answer.
            logger.warning(
                "Batch %s of pole %s: %d readings not stored, another value is stored for "
                "their channel and time.",
                batch_id,
                batch.pole.number,
                conflicts,
            )
    except Exception as exc:
        logger.exception("Batch %s failed (attempt %s).", batch_id, batch.attempts)
        dead = batch.attempts >= settings.SMARTCITY_MAX_ATTEMPTS
        IngestBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.DEAD if dead else BatchStatus.PENDING,
            leased_until=None,
            error=repr(exc)[:2000],
        )
        if not dead:
            raise
        return False
    return True


def batch_requeue(*, batch: IngestBatch, actor=None) -> bool:
    """Give a dead batch another chance (admin action). Returns False for a batch already done."""
    with transaction.atomic():
        requeued = (
            IngestBatch.objects.filter(pk=batch.pk)
            .exclude(status=BatchStatus.DONE)
            .update(status=BatchStatus.PENDING, attempts=0, leased_until=None, error="")
        )
        if requeued:
            audit_record(actor=actor, obj=batch, message="Queued to be processed again.")
            transaction.on_commit(lambda: _enqueue(batch.pk))
    return bool(requeued)


def batches_requeue_stale(*, now: datetime | None = None) -> list[int]:
    """Beat: enqueue again every pending batch older than a few minutes and not claimed.

    Redis is not the record; a broker restart loses queued ids, this finds their batches.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SMARTCITY_REQUEUE_AFTER_SECONDS)
    ids = list(
        IngestBatch.objects.filter(status=BatchStatus.PENDING, created_at__lte=cutoff)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )
    for batch_id in ids:
        _enqueue(batch_id)
    return ids
