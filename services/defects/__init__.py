"""The Mängelmelder sub-domain: writes and reads of defect reports.

A defect report is a case of the service "Mängelmelder": it goes through the same workflow,
staff queue, messages and notifications (services.services). This module adds what is special:
location, routing by category, the public view without personal data, followers, duplicates,
released photos and reopening; the double opt-in of reports and followers is in
``services.defects.confirmation``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import maps
from portal.api import ApplicationError
from portal.models import Department, User
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


from services.defects.confirmation import (
    FOLLOW_CONFIRM_DAYS,
    _reporter_follows,
    follow_confirm,
    follow_unsubscribe,
    follower_by_unsubscribe,
    follower_pending,
    followers_purge_unconfirmed,
    report_awaiting_confirmation,
    report_by_confirmation,
    report_confirm,
    report_confirmation_resend,
    report_follow,
    reports_purge_unconfirmed,
)

MAX_PHOTOS = 5
DUPLICATE_RADIUS_M = 50
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


__all__ = [
    "FOLLOW_CONFIRM_DAYS",
    "follow_confirm",
    "follow_unsubscribe",
    "follower_by_unsubscribe",
    "follower_pending",
    "followers_purge_unconfirmed",
    "report_awaiting_confirmation",
    "report_by_confirmation",
    "report_confirm",
    "report_confirmation_resend",
    "report_follow",
    "reports_purge_unconfirmed",
]
