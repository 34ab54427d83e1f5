"""Retention: closed cases are anonymised after the service's period; unfinished drafts and
their files are deleted DRAFT_RETENTION_DAYS after their last change, and with the account."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.files import files_delete_on_commit
from portal.models import User
from services.models import CLOSED_STATUSES, Attachment, Case, CaseEvent, Draft, EventKind
from services.services.attachments import attachments_delete

# An attachment row without a draft, case or message is left from before drafts took their
# files with them; one day old, no request can still be attaching it.
ORPHAN_ATTACHMENT_GRACE = timedelta(days=1)


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
    attachments_delete(attachments=case.attachments.all())
    files_delete_on_commit(case.receipt)
    case.receipt = ""
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


def drafts_purge_expired(*, now: datetime | None = None) -> int:
    """Delete drafts unchanged for DRAFT_RETENTION_DAYS, with their files, and attachment rows
    that belong to nothing. Returns how many drafts were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DRAFT_RETENTION_DAYS)
    count = 0
    for pk in Draft.objects.filter(updated_at__lt=cutoff).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            # Locked and checked again: a step saved meanwhile keeps the draft.
            draft = Draft.objects.select_for_update().filter(pk=pk, updated_at__lt=cutoff).first()
            if draft is not None:
                _draft_delete(draft)
                count += 1
    with transaction.atomic():
        attachments_delete(
            attachments=Attachment.objects.filter(
                draft=None, case=None, message=None, uploaded_at__lt=now - ORPHAN_ATTACHMENT_GRACE
            )
        )
    return count


def _draft_delete(draft: Draft) -> None:
    attachments_delete(attachments=draft.attachments.all())
    draft.delete()


@transaction.atomic
def personal_data_delete(*, user: User) -> None:
    """Before an account is deleted: its drafts and their files go. Its filed cases stay for the
    office (the applicant's name and e-mail are on the case; the account link is cleared)."""
    for draft in Draft.objects.select_for_update().filter(user=user):
        _draft_delete(draft)
