"""Double opt-in of the Mängelmelder: a report from an unconfirmed address waits for its
confirmation link before it is published, a follower for theirs before getting mail; both are
purged when the link has expired, and every follower mail can be unsubscribed."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.files import files_delete_on_commit
from portal.models import OutgoingEmail
from portal.tokens import token_generate, token_hash
from services import notifications
from services import services as case_services
from services.models import (
    Case,
    CaseEvent,
    CaseStatus,
    DefectFollower,
    DefectReport,
    EventKind,
)

if TYPE_CHECKING:
    from typing import TypedDict

    class _Distance(TypedDict):
        distance: int  # metres, set by nearby_open_reports()


FOLLOW_CONFIRM_DAYS = 7  # an unconfirmed follow is deleted after this


def _reporter_follows(report: DefectReport) -> None:
    case = report.case
    DefectFollower.objects.get_or_create(
        report=report,
        email=case.applicant_email,
        defaults={"language": case.language, "confirmed_at": timezone.now()},
    )


def _confirm_window() -> timedelta:
    return timedelta(hours=settings.DEFECT_CONFIRM_HOURS)


def report_awaiting_confirmation(*, reference: str) -> DefectReport | None:
    """An unpublished report still within its time to be confirmed."""
    return (
        DefectReport.objects.select_related("case")
        .filter(
            case__reference=reference,
            published_at__isnull=True,
            case__anonymised_at__isnull=True,
            case__submitted_at__gt=timezone.now() - _confirm_window(),
        )
        .first()
    )


def report_by_confirmation(*, token: str) -> tuple[DefectReport | None, str]:
    """The report behind a confirmation link and what the link can do now: ``"valid"``,
    ``"used"`` (the report is public already) or ``"invalid"`` (unknown, or expired)."""
    report = (
        DefectReport.objects.select_related("case")
        .filter(confirmation_hash=token_hash(token), case__anonymised_at__isnull=True)
        .first()
        if token
        else None
    )
    if report is None:
        return None, "invalid"
    if report.published_at is not None:
        return report, "used"
    if timezone.now() - report.case.submitted_at >= _confirm_window():
        return None, "invalid"
    return report, "valid"


@transaction.atomic
def report_confirm(*, token: str) -> DefectReport | None:
    """The reporter opened the link of the e-mail: the address is theirs, the report public.

    Single use: the second call (or one after the expiry) changes nothing and returns None.
    The reporter then gets the receipt with their private link, as a confirmed report's
    reporter gets it at once; the event goes into the case's history.
    """
    report, state = report_by_confirmation(token=token)
    if report is None or state != "valid":
        return None
    now = timezone.now()
    claimed = DefectReport.objects.filter(pk=report.pk, published_at__isnull=True).update(
        published_at=now
    )
    if not claimed:
        return None
    case = Case.objects.select_for_update().get(pk=report.case_id)
    access_token = ""
    if case.applicant_id is None:
        # The link of the receipt e-mail; the one made when filing was never sent anywhere.
        access_token = token_generate()
        case.access_token_hash = token_hash(access_token)
        case.save(update_fields=["access_token_hash"])
    report.refresh_from_db()
    _reporter_follows(report)
    CaseEvent.objects.create(case=case, kind=EventKind.PUBLISHED, public=False)
    submitted = case.events.filter(kind=EventKind.SUBMITTED).order_by("pk").first()
    if submitted is not None:
        notifications.event_notify(event=submitted, access_token=access_token)
    return report


@transaction.atomic
def report_confirmation_resend(*, report: DefectReport) -> bool:
    """Send the confirmation e-mail again, with a new link (the old one stops working).

    False if the report needs no confirmation (any more): published, or past its time.
    """
    report = DefectReport.objects.select_for_update().select_related("case").get(pk=report.pk)
    expired = timezone.now() - report.case.submitted_at >= _confirm_window()
    if report.published_at is not None or expired or report.case.anonymised_at:
        return False
    token = token_generate()
    report.confirmation_hash = token_hash(token)
    report.save(update_fields=["confirmation_hash"])
    notifications.report_confirmation_queue(report=report, token=token)
    return True


def reports_purge_unconfirmed(*, now=None) -> int:
    """Remove reports whose address was not confirmed within ``DEFECT_CONFIRM_HOURS``, with
    nothing personal left: their photos, receipt and confirmation e-mails go. A report no one
    at the office has touched is deleted; one that staff took up (it may be a danger they are
    dealing with) stays in their queue anonymised and unpublished. Idempotent: each report is
    checked again under a row lock, and a removed or anonymised one is not found again.
    Returns how many reports were removed or anonymised.
    """
    cutoff = (now or timezone.now()) - _confirm_window()
    stale = DefectReport.objects.filter(
        published_at__isnull=True,
        case__anonymised_at__isnull=True,
        case__submitted_at__lt=cutoff,
    )
    count = 0
    for pk in stale.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            report = stale.select_for_update().filter(pk=pk).first()
            if report is None:
                continue
            case = Case.objects.select_for_update().get(pk=report.case_id)
            OutgoingEmail.objects.filter(
                key__startswith=notifications.report_confirmation_key_prefix(report)
            ).delete()
            taken_up = (
                case.status != CaseStatus.RECEIVED
                or case.events.exclude(kind=EventKind.SUBMITTED).exists()
            )
            if taken_up:
                case_services.case_anonymise(case=case, now=now)
                report.followers.all().delete()
                report.confirmation_hash = ""
                report.save(update_fields=["confirmation_hash"])
            else:
                case_services.attachments_delete(attachments=case.attachments.all())
                files_delete_on_commit(case.receipt)
                case.delete()
            count += 1
    return count


@transaction.atomic
def report_follow(*, report: DefectReport, email: str, language: str, verified: bool) -> bool:
    """Follow a report; True if the address is new.

    A ``verified`` address (the signed-in citizen's own) follows at once. Any other gets one
    e-mail with a confirmation link, and hears of status changes only once it confirmed;
    following again while unconfirmed sends nothing more.
    """
    email = email.strip().lower()
    now = timezone.now()
    follower, created = DefectFollower.objects.get_or_create(
        report=report,
        email=email,
        defaults={"language": language, "confirmed_at": now if verified else None},
    )
    if follower.confirmed_at is None and verified:
        follower.confirmed_at, follower.token_hash = now, ""
        follower.save(update_fields=["confirmed_at", "token_hash"])
    elif created and not verified:
        token = token_generate()
        follower.token_hash = token_hash(token)
        follower.save(update_fields=["token_hash"])
        notifications.follow_confirmation_queue(follower=follower, token=token)
    return created


def _pending_followers(now):
    cutoff = now - timedelta(days=FOLLOW_CONFIRM_DAYS)
    return DefectFollower.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)


def follower_pending(*, token: str) -> DefectFollower | None:
    """The unconfirmed, unexpired follower behind a confirmation link, if any."""
    if not token:
        return None
    follower = (
        DefectFollower.objects.select_related("report__case")
        .filter(token_hash=token_hash(token), confirmed_at__isnull=True)
        .first()
    )
    expired = timedelta(days=FOLLOW_CONFIRM_DAYS)
    if follower is None or timezone.now() - follower.created_at >= expired:
        return None
    return follower


@transaction.atomic
def follow_confirm(*, token: str) -> DefectFollower | None:
    """Confirm a follow by the link of its e-mail; None if the link is unknown or expired."""
    follower = follower_pending(token=token)
    if follower is None:
        return None
    updated = DefectFollower.objects.filter(pk=follower.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), token_hash=""
    )
    return follower if updated else None


def followers_purge_unconfirmed(*, now=None) -> int:
    """Delete follows not confirmed within ``FOLLOW_CONFIRM_DAYS``. Idempotent."""
    deleted, _rows = _pending_followers(now or timezone.now()).delete()
    return deleted


def follower_by_unsubscribe(*, token: str) -> tuple[bool, DefectFollower | None]:
    """Whether an unsubscribe link is genuine, and the follow it stops if it still exists."""
    return notifications.unsubscribe_follower(token)


@transaction.atomic
def follow_unsubscribe(*, token: str) -> bool | None:
    """Stop a follow by the link of one of its e-mails, without login.

    None if the link is forged; False if the follow is gone already (a second click); True
    if it was stopped now.
    """
    valid, follower = notifications.unsubscribe_follower(token)
    if not valid:
        return None
    if follower is None:
        return False
    deleted, _rows = DefectFollower.objects.filter(pk=follower.pk).delete()
    return bool(deleted)
