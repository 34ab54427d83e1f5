"""Receipts and e-mails of the Serviceportal.

The receipt PDF is built by a task after commit (``receipt_build``, idempotent). Every e-mail
goes into the outbox (``portal.mail``) inside the transaction of the event that causes it, one
row per recipient, keyed by the event so that queueing twice sends once; the submission mail
gets the receipt attached at send time (``receipt_attachments``).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from portal.i18n import language_normalise
from portal.mail import AttachmentNotReady, absolute_url, mail_queue_template
from portal.pdf import render_to_pdf
from portal.tokens import token_hash
from services import selectors
from services.models import (
    DEFECT_SERVICE_SLUG,
    Case,
    CaseEvent,
    DefectFollower,
    DefectReport,
    Draft,
    EventKind,
)

CITIZEN_EVENTS: dict[str, str] = {
    EventKind.SUBMITTED: "submitted",
    EventKind.STATUS: "status",
    EventKind.MESSAGE: "message",
    EventKind.DOCUMENTS_REQUESTED: "message",
}
TEMPLATES = "services/email"


def receipt_build(*, case_id: int) -> None:
    """Render the receipt PDF once. A second call finds the file and does nothing."""
    case = Case.objects.select_related("service", "department", "form_version").get(pk=case_id)
    if case.receipt or case.anonymised_at:
        return
    with translation.override(case.language):
        pdf = render_to_pdf(
            "services/receipt.html",
            {
                "case": case,
                "answers": selectors.case_answers(case=case, language=case.language),
                "attachments": case.attachments.filter(message__isnull=True),
            },
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case_id)
        if locked.receipt:
            return
        locked.receipt.save(f"{case.reference}.pdf", ContentFile(pdf), save=False)
        locked.save(update_fields=["receipt"])


def receipt_attachments(*, case_id: int) -> list[tuple[str, bytes, str]]:
    """The receipt for the submission e-mail, read when the outbox sends it.

    Normally the receipt task has built it by then; if its message was lost or it is still
    queued, the receipt is built here (``receipt_build`` is idempotent under a row lock).
    """
    case = Case.objects.filter(pk=case_id).first()
    if case is None or case.anonymised_at:
        return []
    if not case.receipt:
        receipt_build(case_id=case_id)
        case.refresh_from_db(fields=["receipt"])
    if not case.receipt:
        raise AttachmentNotReady(case.reference)
    with case.receipt.open("rb") as fh:
        return [(f"{case.reference}.pdf", fh.read(), "application/pdf")]


def event_notify(*, event: CaseEvent, access_token: str = "") -> bool:
    """Queue the e-mails of one event (applicant or office, and a defect's followers).

    Call inside the event's transaction. Idempotent: each e-mail is keyed by the event and its
    recipient. Returns whether anything new was queued.
    """
    event = CaseEvent.objects.select_related("case__service", "case__department").get(pk=event.pk)
    if event.case.anonymised_at:
        return False
    report = getattr(event.case, "defect", None)
    if report is not None and report.published_at is None:
        return False  # an address nobody confirmed gets nothing but the confirmation link
    queued = [_event_mail(event, access_token), *_follower_mails(event)]
    return any(email is not None for email in queued)


def _follower_mails(event: CaseEvent) -> list:
    """Followers of a defect report hear of status changes (the reporter already got theirs)."""
    case = event.case
    report = getattr(case, "defect", None)
    if report is None or event.kind != EventKind.STATUS:
        return []
    return [
        mail_queue_template(
            key=f"services.event:{event.pk}:follower:{follower.pk}",
            to=follower.email,
            template=f"{TEMPLATES}/follow",
            context={
                "report": report,
                "case": case,
                "event": event,
                "link": _localised_url(
                    follower.language, "services:defect_detail", [case.reference]
                ),
                "unsubscribe_link": unsubscribe_url(follower),
            },
            language=follower.language,
        )
        for follower in report.followers.filter(confirmed_at__isnull=False).exclude(
            email=case.applicant_email
        )
    ]


UNSUBSCRIBE_SALT = "services.defect-follower.unsubscribe"


def _address_tag(email: str) -> str:
    return token_hash(email.strip().lower())[:16]


def unsubscribe_token(follower: DefectFollower) -> str:
    """The secret of a follower's unsubscribe link: the follow's id and a hash of its address,
    signed (no address in clear in a URL).

    Signed rather than stored, so that every e-mail can carry it without keeping a secret in
    clear; it names one follow, so a follow made anew needs the link of a newer e-mail.
    """
    return signing.dumps([follower.pk, _address_tag(follower.email)], salt=UNSUBSCRIBE_SALT)


def unsubscribe_follower(token: str) -> tuple[bool, DefectFollower | None]:
    """Whether an unsubscribe link is genuine, and the follow it names if it still exists."""
    try:
        pk, tag = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return False, None
    if not isinstance(pk, int) or not isinstance(tag, str):
        return False, None
    follower = DefectFollower.objects.filter(pk=pk).first()
    if follower is not None and _address_tag(follower.email) != tag:
        follower = None  # another address behind a reused id: not this link's follow
    return True, follower


def _localised_url(language: str, name: str, args: list) -> str:
    """An absolute link in the recipient's language (the URL prefix /en/ says it)."""
    with translation.override(language_normalise(language)):
        return absolute_url(reverse(name, args=args))


def unsubscribe_url(follower: DefectFollower) -> str:
    return _localised_url(
        follower.language,
        "services:defect_unfollow",
        [follower.report.case.reference, unsubscribe_token(follower)],
    )


def report_confirmation_queue(*, report: DefectReport, token: str) -> None:
    """Queue the e-mail with the link that confirms the reporter's address and publishes the
    report. One e-mail per link: a new link (asked for again) is a new e-mail."""
    case = report.case
    hours = settings.DEFECT_CONFIRM_HOURS
    mail_queue_template(
        key=f"services.defect:{report.pk}:confirm:{token_hash(token)[:16]}",
        to=case.applicant_email,
        template=f"{TEMPLATES}/defect_confirm",
        context={
            "case": case,
            "report": report,
            "hours": hours,
            "link": _localised_url(case.language, "services:defect_confirm", [token]),
        },
        language=case.language,
    )


def report_confirmation_key_prefix(report: DefectReport) -> str:
    """The outbox key prefix of a report's confirmation e-mails (deleted with the report)."""
    return f"services.defect:{report.pk}:confirm:"


def follow_confirmation_queue(*, follower: DefectFollower, token: str) -> None:
    """Queue the one e-mail that asks a new follower to confirm (once per follower)."""
    reference = follower.report.case.reference
    path = reverse("services:defect_follow_confirm", args=[reference, token])
    mail_queue_template(
        key=f"services.follower:{follower.pk}:confirm",
        to=follower.email,
        template=f"{TEMPLATES}/follow_confirm",
        context={
            "report": follower.report,
            "reference": reference,
            "link": absolute_url(path),
        },
        language=follower.language,
    )


def _event_mail(event: CaseEvent, access_token: str = ""):
    case = event.case
    from_applicant = event.actor_id is not None and event.actor_id == case.applicant_id
    if event.kind in (EventKind.MESSAGE, EventKind.DOCUMENTS_SUPPLIED) and from_applicant:
        return _office_mail(event)
    template = CITIZEN_EVENTS.get(event.kind)
    if template is None or not event.public:
        return None
    report = getattr(case, "defect", None)  # not yet there while the report is being filed
    if case.service.slug == DEFECT_SERVICE_SLUG:
        template = f"defect_{template}"  # "your report", in the words of the Mängelmelder
    if case.applicant_id:
        link = absolute_url(reverse("services:case_detail", args=[case.reference]))
    elif access_token:
        link = absolute_url(reverse("services:anonymous_case", args=[case.reference, access_token]))
    else:
        link = ""
    options = {}
    if event.kind == EventKind.SUBMITTED:
        options = {
            "attachments_from": "services.notifications.receipt_attachments",
            "attachments_args": {"case_id": case.pk},
        }
    return mail_queue_template(
        key=f"services.event:{event.pk}:applicant",
        to=case.applicant_email,
        template=f"{TEMPLATES}/{template}",
        context={"case": case, "event": event, "link": link, "report": report},
        language=case.language,
        **options,
    )


def _office_mail(event: CaseEvent):
    case = event.case
    if not case.department.email:
        return None
    link = absolute_url(reverse("admin:services_case_change", args=[case.pk]))
    return mail_queue_template(
        key=f"services.event:{event.pk}:office",
        to=case.department.email,
        template=f"{TEMPLATES}/office",
        context={"case": case, "event": event, "link": link},
        language="de",
    )


def reopen_office_queue(*, event: CaseEvent) -> None:
    """Tell the responsible office that a reporter says a closed defect is not fixed."""
    case = event.case
    if not case.department.email:
        return
    mail_queue_template(
        key=f"services.event:{event.pk}:office-reopen",
        to=case.department.email,
        template=f"{TEMPLATES}/office_reopen",
        context={
            "case": case,
            "report": case.defect,
            "event": event,
            "link": absolute_url(reverse("admin:services_case_change", args=[case.pk])),
        },
        language="de",
    )


def draft_link_queue(*, draft: Draft, token: str, language: str) -> None:
    """Queue the e-mail with the link to resume an anonymous draft (once per draft)."""
    if not draft.email:
        return
    mail_queue_template(
        key=f"services.draft:{draft.pk}:link",
        to=draft.email,
        template=f"{TEMPLATES}/draft",
        context={
            "draft": draft,
            "link": absolute_url(reverse("services:draft_step", args=[token, 1])),
        },
        language=language,
    )
