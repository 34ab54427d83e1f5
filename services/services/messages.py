"""Messages on a case, from the office or the applicant."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.api import ApplicationError
from portal.models import User
from services import notifications
from services.models import Case, CaseEvent, CaseStatus, EventKind, Message
from services.services.attachments import attachment_store
from services.services.cases import case_transition, is_case_staff


def message_send(
    *,
    case: Case,
    sender: User,
    body: str,
    files: Sequence[UploadedFile] = (),
    requests_documents: bool = False,
) -> Message:
    """A message on a case, either way. The office may ask for documents (case -> waiting);
    documents the applicant then sends move the case back to in progress."""
    body = body.strip()
    if not body and not files:
        raise ApplicationError(_("Please write a message or attach a file."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        from_office = is_case_staff(sender, case)
        if not from_office and case.applicant_id != sender.pk:
            raise PermissionDenied
        if not case.is_open and not from_office:
            raise ApplicationError(_("This case is closed; please contact the office directly."))
        message = Message.objects.create(
            case=case,
            sender=sender,
            from_office=from_office,
            body=body,
            requests_documents=requests_documents and from_office,
        )
        for upload in files:
            attachment_store(
                upload=upload, allowed=["pdf", "jpeg", "png"], max_mb=10, case=case, message=message
            )
        kind = EventKind.MESSAGE
        if message.requests_documents:
            kind = EventKind.DOCUMENTS_REQUESTED
        elif not from_office and files and case.status == CaseStatus.WAITING:
            kind = EventKind.DOCUMENTS_SUPPLIED
        event = CaseEvent.objects.create(case=case, kind=kind, actor=sender, public=True)
        # In the same transaction; the message's own e-mail says it all, so the automatic
        # status change sends none.
        if message.requests_documents and case.status == CaseStatus.IN_PROGRESS:
            case_transition(case=case, actor=sender, to_status=CaseStatus.WAITING, notify=False)
        elif kind == EventKind.DOCUMENTS_SUPPLIED:
            case_transition(case=case, actor=sender, to_status=CaseStatus.IN_PROGRESS, notify=False)
        notifications.event_notify(event=event)
    return message
