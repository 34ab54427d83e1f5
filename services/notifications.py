"""Receipts and e-mails of the Serviceportal. Called by tasks after commit; each is idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.pdf import render_to_pdf
from services import selectors
from services.models import Case, CaseEvent, Draft, EventKind

CITIZEN_EVENTS = {
    EventKind.SUBMITTED: "submitted",
    EventKind.STATUS: "status",
    EventKind.MESSAGE: "message",
    EventKind.DOCUMENTS_REQUESTED: "message",
}


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


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


def event_notify(*, event_id: int, access_token: str = "") -> bool:
    """Send the e-mail of one event, at most once (atomic claim on notified_at)."""
    with transaction.atomic():
        claimed = CaseEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return False
        event = CaseEvent.objects.select_related("case__service", "case__department").get(
            pk=event_id
        )
        outgoing = [m for m in [_event_mail(event, access_token)] if m is not None]
        outgoing += _follower_mails(event)
        # Inside the transaction: if the relay refuses, the claim rolls back and a retry sends.
        for message in outgoing:
            message.send()
    return True


def _follower_mails(event: CaseEvent) -> list[EmailMessage]:
    """Followers of a defect report hear of status changes (the reporter already got theirs)."""
    case = event.case
    report = getattr(case, "defect", None)
    if report is None or event.kind != EventKind.STATUS or case.anonymised_at:
        return []
    link = absolute(reverse("services:defect_detail", args=[case.reference]))
    mails = []
    for follower in report.followers.exclude(email=case.applicant_email):
        with translation.override(follower.language):
            context = {"report": report, "case": case, "event": event, "link": link}
            subject = render_to_string("services/email/follow_subject.txt", context).strip()
            body = render_to_string("services/email/follow.txt", context)
        mails.append(EmailMessage(subject=subject, body=body, to=[follower.email]))
    return mails


def _event_mail(event: CaseEvent, access_token: str = "") -> EmailMessage | None:
    case = event.case
    if case.anonymised_at:
        return None
    from_applicant = event.actor_id is not None and event.actor_id == case.applicant_id
    if event.kind in (EventKind.MESSAGE, EventKind.DOCUMENTS_SUPPLIED) and from_applicant:
        return _office_mail(event)
    template = CITIZEN_EVENTS.get(event.kind)
    if template is None or not event.public:
        return None
    if case.applicant_id:
        link = absolute(reverse("services:case_detail", args=[case.reference]))
    elif access_token:
        link = absolute(reverse("services:anonymous_case", args=[case.reference, access_token]))
    else:
        link = ""
    with translation.override(case.language):
        context = {"case": case, "event": event, "link": link}
        subject = render_to_string(f"services/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"services/email/{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[case.applicant_email])
    if event.kind == EventKind.SUBMITTED:
        case.refresh_from_db(fields=["receipt"])
        if case.receipt:
            with case.receipt.open("rb") as fh:
                message.attach(f"{case.reference}.pdf", fh.read(), "application/pdf")
    return message


def _office_mail(event: CaseEvent) -> EmailMessage | None:
    case = event.case
    if not case.department.email:
        return None
    link = absolute(reverse("admin:services_case_change", args=[case.pk]))
    with translation.override("de"):
        context = {"case": case, "event": event, "link": link}
        subject = render_to_string("services/email/office_subject.txt", context).strip()
        body = render_to_string("services/email/office.txt", context)
    return EmailMessage(subject=subject, body=body, to=[case.department.email])


def draft_link_send(*, draft_id: int, token: str, language: str) -> None:
    draft = Draft.objects.select_related("service").filter(pk=draft_id).first()
    if draft is None or not draft.email:
        return
    with translation.override(language):
        context = {
            "draft": draft,
            "link": absolute(reverse("services:draft_step", args=[token, 1])),
        }
        subject = render_to_string("services/email/draft_subject.txt", context).strip()
        body = render_to_string("services/email/draft.txt", context)
    EmailMessage(subject=subject, body=body, to=[draft.email]).send()
