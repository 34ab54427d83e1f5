"""Retention: personal data of closed cases is anonymised after the service's period."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from services.models import CLOSED_STATUSES, Case, CaseEvent, EventKind


def cases_anonymise_expired(*, now=None) -> int:
    """Anonymise personal data of cases closed longer ago than their service's retention period."""
    now = now or timezone.now()
    count = 0
    candidates = Case.objects.filter(
        status__in=CLOSED_STATUSES, anonymised_at__isnull=True, closed_at__isnull=False
    ).select_related("service")
    for case in candidates.iterator():
        due = case.retention_due  # None only for an open case, which the filter excludes
        if due is not None and due <= now:
            case_anonymise(case=case, now=now)
            count += 1
    return count


@transaction.atomic
def case_anonymise(*, case: Case, now=None) -> None:
    """Remove the personal data of one case; keep what statistics need (service, dates, status)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.anonymised_at is not None:
        return
    for attachment in case.attachments.all():
        attachment.file.delete(save=False)
    case.attachments.all().delete()
    if case.receipt:
        case.receipt.delete(save=False)
    case.messages.update(body="")
    case.events.update(note="")
    case.applicant = None
    case.applicant_name = "–"
    case.applicant_email = "anonymisiert@invalid"
    case.answers = {}
    case.access_token_hash = ""
    case.anonymised_at = now or timezone.now()
    case.save(
        update_fields=[
            "applicant",
            "applicant_name",
            "applicant_email",
            "answers",
            "access_token_hash",
            "anonymised_at",
            "receipt",
        ]
    )
    CaseEvent.objects.create(case=case, kind=EventKind.ANONYMISED, public=False)
