"""The Mängelmelder sub-domain: writes and reads of defect reports.

A defect report is a case of the service "Mängelmelder": it goes through the same workflow,
staff queue, messages and notifications (services.services). This module adds what is special:
location, routing by category, the public view without personal data, followers, duplicates,
released photos and reopening.
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import maps
from portal.api import ApplicationError
from portal.files import files_delete_on_commit
from portal.models import Department, OutgoingEmail, User
from portal.roles import is_staff_member, is_verified
from portal.tokens import token_generate, token_hash, token_matches
from services import notifications
from services import services as case_services
from services.models import (
    CLOSED_STATUSES,
    DEFECT_SERVICE_SLUG,
    OPEN_STATUSES,
    REOPEN_DAYS,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    DefectCategory,
    DefectFollower,
    DefectReport,
    DefectRoute,
    EventKind,
    Service,
)

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _Distance(TypedDict):
        distance: int  # metres, set by nearby_open_reports()


MAX_PHOTOS = 5
DUPLICATE_RADIUS_M = 50
FOLLOW_CONFIRM_DAYS = 7  # an unconfirmed follow is deleted after this
EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


# --- Reads -------------------------------------------------------------------------------------


def public_reports():
    """Reports anyone may see: every field here is free of personal data."""
    return (
        DefectReport.objects.select_related("case")
        .exclude(case__status=CaseStatus.WITHDRAWN)
        .filter(case__anonymised_at__isnull=True, published_at__isnull=False)
    )


def nearby_open_reports(
    *, category: str, latitude: float, longitude: float
) -> list[WithAnnotations[DefectReport, _Distance]]:
    """Open reports of the same kind within 50 m, nearest first (to avoid duplicates)."""
    # A bounding box narrows the query (about 0.00045° latitude per 50 m); haversine decides.
    dlat = DUPLICATE_RADIUS_M / 111_000
    dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
    candidates = public_reports().filter(
        category=category,
        case__status__in=OPEN_STATUSES,
        latitude__range=(Decimal(str(latitude - dlat)), Decimal(str(latitude + dlat))),
        longitude__range=(Decimal(str(longitude - dlon)), Decimal(str(longitude + dlon))),
    )
    found = []
    for report in candidates:
        d = distance_m(latitude, longitude, float(report.latitude), float(report.longitude))
        if d <= DUPLICATE_RADIUS_M:
            report.distance = round(d)
            found.append(report)
    return sorted(found, key=lambda r: r.distance)


def report_by_reference(*, reference: str) -> DefectReport | None:
    return (
        DefectReport.objects.select_related("case")
        .filter(case__reference=reference.strip())
        .first()
    )


def released_photos(*, report: DefectReport):
    return report.case.attachments.filter(released_at__isnull=False, message__isnull=True)


# --- Writes ------------------------------------------------------------------------------------


def _route(category: str, service: Service) -> Department:
    route = DefectRoute.objects.filter(category=category).select_related("department").first()
    return route.department if route else service.department


def report_submit(
    *,
    category: str,
    description: str,
    latitude: float | None,
    longitude: float | None,
    address: str,
    photos: list[UploadedFile],
    email: str,
    name: str,
    user: User | None,
    language: str,
    email_confirmed: bool = False,
) -> DefectReport:
    """File a defect report: a case of the Mängelmelder service plus its public part.

    The case goes the web form's way (a complete draft, then ``case_submit``), routed to the
    department of its category; its first event, receipt and e-mail come from there.

    A signed-in citizen whose address is verified publishes at once (so does a caller that
    vouches for the address, ``email_confirmed``: the demo data). Any other report is stored
    and routed to its office, so that staff can act on a danger, but is public nowhere and
    mails nobody but the one e-mail with the link that confirms the address
    (``report_confirm``); unconfirmed after ``DEFECT_CONFIRM_HOURS`` it is deleted.
    """
    if category not in DefectCategory.values:
        raise ApplicationError(_("Please choose the kind of defect."))
    if (latitude is None) != (longitude is None):
        raise ApplicationError(_("The position is incomplete; please choose it on the map again."))
    if latitude is None and not address.strip():
        raise ApplicationError(_("Please mark the place on the map or describe where it is."))
    maps.location_check(latitude=latitude, longitude=longitude)
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(_("Please attach at most {n} photos.").format(n=MAX_PHOTOS))
    if not description.strip():
        raise ApplicationError(_("Please describe the defect."))
    service = Service.objects.get(slug=DEFECT_SERVICE_SLUG)
    if service.current_form is None:
        raise ApplicationError(_("This service cannot be applied for online."))
    user = user if user is not None and user.is_authenticated else None
    email = (user.email if user else email).strip().lower()
    if not email:
        raise ApplicationError(_("Please give an e-mail address so that we can inform you."))
    confirmed = email_confirmed or is_verified(user)
    with transaction.atomic():
        case, _token = case_services.case_submit_answers(
            service=service,
            user=user,
            answers={
                "category": category,
                "location": address.strip() or f"{latitude:.6f}, {longitude:.6f}",
                "description": description.strip(),
            },
            files={"photo": photos},
            allowed=["jpeg", "png"],
            applicant_name=name.strip() or (user.name if user else "") or email,
            applicant_email=email,
            language=language,
            department=_route(category, service),
            notify=confirmed,
        )
        confirm_token = "" if confirmed else token_generate()
        report = DefectReport(
            case=case,
            category=category,
            latitude=Decimal(f"{latitude:.6f}") if latitude is not None else None,
            longitude=Decimal(f"{longitude:.6f}") if longitude is not None else None,
            address=address.strip(),
            description=description.strip(),
            open311_token=token_generate(nbytes=16),
            published_at=case.submitted_at if confirmed else None,
            confirmation_hash=token_hash(confirm_token) if confirm_token else "",
        )
        report.full_clean(exclude=["case"])
        report.save()
        if confirmed:
            # The reporter chose to be informed and gets the case's e-mails anyway: confirmed.
            _reporter_follows(report)
        else:
            notifications.report_confirmation_queue(report=report, token=confirm_token)
    return report


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


@transaction.atomic
def report_reopen(
    *, report: DefectReport, user: User | None = None, token: str = ""
) -> CaseEvent | None:
    """The reporter says "not fixed": the report is in progress again, in front of its office.

    The reporter is the signed-in applicant (``user``) or whoever holds the link of the
    receipt e-mail (``token``, for anonymous reports). Allowed once per closing, within
    ``REOPEN_DAYS``; a second click on the same closing changes nothing and returns None.
    The event goes into the history with who and when; the office is told by e-mail.
    """
    report = DefectReport.objects.select_for_update().select_related("case").get(pk=report.pk)
    case = Case.objects.select_for_update().get(pk=report.case_id)
    report.case = case
    by_user = user is not None and user.is_authenticated and case.applicant_id == user.pk
    by_link = token_matches(token, case.access_token_hash)
    if not (by_user or by_link):
        raise PermissionDenied
    if report.reopened:
        return None  # this closing was reopened already
    if not report.reopenable:
        if case.status in CLOSED_STATUSES and case.status != CaseStatus.WITHDRAWN:
            raise ApplicationError(
                _("A report can be reopened within {days} days of closing.").format(
                    days=REOPEN_DAYS
                )
            )
        raise ApplicationError(_("Only a closed report can be reopened."))
    now = timezone.now()
    from_status = case.status
    case.status, case.closed_at = CaseStatus.IN_PROGRESS, None
    case.save(update_fields=["status", "closed_at"])
    report.reopen_requested_at = now
    report.public_note = ""  # the closing note ("fixed") no longer holds
    report.save(update_fields=["reopen_requested_at", "public_note"])
    event = CaseEvent.objects.create(
        case=case,
        kind=EventKind.STATUS,
        actor=user if by_user else None,
        from_status=from_status,
        to_status=CaseStatus.IN_PROGRESS,
        note=_("The reporter says the defect is not fixed.")
        if by_user
        else _("The reporter says the defect is not fixed (through the link of their e-mail)."),
        public=True,
    )
    notifications.event_notify(event=event)  # the followers hear it is open again
    notifications.reopen_office_queue(event=event)
    return event


def _check_staff(actor: User, case_id: int) -> None:
    if not is_staff_member(actor) or not Case.objects.visible_to(actor).filter(pk=case_id).exists():
        raise PermissionDenied


@transaction.atomic
def report_mark_duplicate(*, report: DefectReport, original: DefectReport, actor: User) -> None:
    """Close a report as a duplicate of another; its followers move over."""
    if report.pk == original.pk or original.duplicate_of_id == report.pk:
        raise ApplicationError(_("A report cannot be a duplicate of itself."))
    _check_staff(actor, report.case_id)
    report = DefectReport.objects.select_for_update().select_related("case").get(pk=report.pk)
    for follower in report.followers.filter(confirmed_at__isnull=False):
        DefectFollower.objects.get_or_create(
            report=original,
            email=follower.email,
            defaults={"language": follower.language, "confirmed_at": follower.confirmed_at},
        )
    report.duplicate_of = original
    report.public_note = _("Already reported as {reference}.").format(
        reference=original.case.reference
    )
    report.save(update_fields=["duplicate_of", "public_note"])
    CaseEvent.objects.create(
        case=report.case,
        kind=EventKind.DUPLICATE,
        actor=actor,
        note=original.case.reference,
        public=False,
    )
    if report.case.status in OPEN_STATUSES:
        target = CaseStatus.REJECTED
        if report.case.status == CaseStatus.RECEIVED:
            case_services.case_transition(
                case=report.case, actor=actor, to_status=CaseStatus.IN_PROGRESS, notify=False
            )
        case_services.case_transition(
            case=report.case, actor=actor, to_status=target, note=report.public_note
        )


@transaction.atomic
def report_public_note_set(*, report: DefectReport, note: str, actor: User) -> bool:
    """Change the public status note of a report; True if it changed."""
    _check_staff(actor, report.case_id)
    report = DefectReport.objects.select_for_update().get(pk=report.pk)
    if note == report.public_note:
        return False
    report.public_note = note
    report.full_clean(exclude=["case", "duplicate_of"])
    report.save(update_fields=["public_note"])
    CaseEvent.objects.create(
        case_id=report.case_id, kind=EventKind.PUBLIC_NOTE, actor=actor, note=note, public=False
    )
    return True


@transaction.atomic
def report_reroute(*, report: DefectReport, department: Department, actor: User) -> None:
    if not Case.objects.visible_to(actor).filter(pk=report.case_id).exists():
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=report.case_id)
    case.department = department
    case.assigned_to = None
    case.save(update_fields=["department", "assigned_to"])
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.ASSIGNED,
        actor=actor,
        note=_("Re-routed to {department}").format(department=department),
        public=False,
    )


@transaction.atomic
def photo_release(*, attachment: Attachment, actor: User) -> bool:
    """Release a photo of a report for the public page; True if it was not released yet."""
    if (
        attachment.case_id is None
        or not Case.objects.visible_to(actor).filter(pk=attachment.case_id).exists()
    ):
        raise PermissionDenied
    released = Attachment.objects.filter(pk=attachment.pk, released_at__isnull=True).update(
        released_at=timezone.now()
    )
    if released:
        CaseEvent.objects.create(
            case_id=attachment.case_id,
            kind=EventKind.PHOTO_RELEASED,
            actor=actor,
            note=attachment.original_name,
            public=False,
        )
    return bool(released)
