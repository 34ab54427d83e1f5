"""Every write of the Serviceportal that carries a business rule.

One transaction per function; history rows in the same transaction; e-mails and PDFs after commit.
Nothing changes a case's status except ``case_transition``.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api import ApplicationError
from portal.models import User
from services import selectors
from services.models import (
    CLOSED_STATUSES,
    AccessAction,
    AccessLog,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    Draft,
    EventKind,
    FieldType,
    FormVersion,
    Message,
    ReferenceCounter,
    Service,
)

S = CaseStatus

# The workflow. Staff move cases along these edges; the applicant may only withdraw an open
# case or, by supplying documents, move a waiting case back to in progress.
STAFF_TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.IN_PROGRESS, S.REJECTED},
    S.IN_PROGRESS: {S.WAITING, S.APPROVED, S.REJECTED},
    S.WAITING: {S.IN_PROGRESS, S.REJECTED},
    S.APPROVED: {S.IN_PROGRESS},  # reopen
    S.REJECTED: {S.IN_PROGRESS},  # reopen
    S.WITHDRAWN: set(),
}
APPLICANT_TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.WITHDRAWN},
    S.IN_PROGRESS: {S.WITHDRAWN},
    S.WAITING: {S.WITHDRAWN, S.IN_PROGRESS},
}

FILE_SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Forms ---------------------------------------------------------------------------------------


def _form_schema(service: Service) -> dict:
    steps = []
    for step in service.form_steps.prefetch_related("fields").order_by("order", "pk"):
        fields = []
        for f in step.fields.all():
            fields.append(
                {
                    "key": f.key,
                    "type": f.type,
                    "label": {"de": f.label, "en": f.label_en or f.label},
                    "help": {"de": f.help_text, "en": f.help_text_en or f.help_text},
                    "required": f.required,
                    "choices": _parse_choices(f.choices),
                    "pattern": f.pattern,
                    "pattern_message": f.pattern_message,
                    "min": str(f.min_value) if f.min_value is not None else None,
                    "max": str(f.max_value) if f.max_value is not None else None,
                    "max_length": f.max_length,
                    "file_types": [t.strip() for t in f.allowed_file_types.split(",") if t.strip()],
                    "max_file_mb": f.max_file_mb,
                    "show_if": {"field": f.show_if_field, "value": f.show_if_value}
                    if f.show_if_field
                    else None,
                }
            )
        steps.append(
            {"title": {"de": step.title, "en": step.title_en or step.title}, "fields": fields}
        )
    return {"steps": steps}


def _parse_choices(text: str) -> list[dict]:
    choices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        value = parts[0]
        de = parts[1] if len(parts) > 1 and parts[1] else value
        en = parts[2] if len(parts) > 2 and parts[2] else de
        choices.append({"value": value, "label": {"de": de, "en": en}})
    return choices


def _validate_schema(schema: dict) -> None:
    keys: list[str] = []
    for step in schema["steps"]:
        for field in step["fields"]:
            keys.append(field["key"])
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ApplicationError(
            _("Field keys must be unique in a form: {keys}.").format(
                keys=", ".join(sorted(duplicates))
            )
        )
    for step in schema["steps"]:
        for field in step["fields"]:
            if field["type"] in (FieldType.CHOICE, FieldType.MULTIPLE) and not field["choices"]:
                raise ApplicationError(
                    _("The field “{label}” needs choices.").format(label=field["label"]["de"])
                )
            condition = field["show_if"]
            if condition and condition["field"] not in keys:
                raise ApplicationError(
                    _("The field “{label}” depends on an unknown field “{key}”.").format(
                        label=field["label"]["de"], key=condition["field"]
                    )
                )
    if not keys:
        raise ApplicationError(_("A form needs at least one field."))


@transaction.atomic
def form_publish(*, service: Service, user: User | None) -> FormVersion:
    """Snapshot the edited form as a new immutable version (unless nothing changed)."""
    schema = _form_schema(service)
    _validate_schema(schema)
    service = Service.objects.select_for_update().get(pk=service.pk)
    current = service.form_versions.order_by("-number").first()
    if current is not None and current.schema == schema:
        return current
    version = FormVersion(
        service=service,
        number=(current.number + 1) if current else 1,
        schema=schema,
        published_by=user,
    )
    version.full_clean()
    version.save()
    return version


# --- Attachments ---------------------------------------------------------------------------------


def attachment_check(
    *, upload: UploadedFile, allowed: list[str], max_mb: int
) -> tuple[bytes, str, str]:
    """Check a file by its content and size; re-encode images without metadata.

    Returns (content, kind, content_type). Raises ApplicationError with a message for the user.
    """
    if upload.size > max_mb * 1024 * 1024:
        raise ApplicationError(
            _("The file “{name}” is larger than {mb} MB.").format(name=upload.name, mb=max_mb)
        )
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k, (sig, _ct) in FILE_SIGNATURES.items() if head.startswith(sig)), None)
    if kind is None or kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise ApplicationError(
            _("The file “{name}” is not a {types} file.").format(name=upload.name, types=names)
        )
    content = upload.read()
    if kind in ("jpeg", "png"):
        content = _reencode_image(content, kind, upload.name)
    return content, kind, FILE_SIGNATURES[kind][1]


def _reencode_image(content: bytes, kind: str, name: str) -> bytes:
    """Decode and re-encode: drops EXIF (GPS position, camera) and anything hidden in the file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the visible orientation
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                image.save(out, format="PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ApplicationError(
            _("The image “{name}” could not be read.").format(name=name)
        ) from exc
    return out.getvalue()


def _store_attachment(
    *, upload: UploadedFile, allowed: list[str], max_mb: int, **owner
) -> Attachment:
    content, kind, content_type = attachment_check(upload=upload, allowed=allowed, max_mb=max_mb)
    base = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:150]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    extension = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[kind]
    attachment = Attachment(
        original_name=f"{stem}.{extension}",
        content_type=content_type,
        size=len(content),
        **owner,
    )
    attachment.file.save("upload", ContentFile(content), save=False)
    attachment.save()
    return attachment


# --- Drafts --------------------------------------------------------------------------------------


@transaction.atomic
def draft_start(*, service: Service, user: User | None, email: str = "") -> tuple[Draft, str]:
    """Open a draft for the service's current form. Returns the draft and its secret token."""
    if not service.is_online or service.current_form is None:
        raise ApplicationError(_("This service cannot be applied for online."))
    if user is None and not service.accepts_anonymous:
        raise PermissionDenied
    token = secrets.token_urlsafe(24)
    draft = Draft(
        service=service,
        form_version=service.current_form,
        user=user if user is not None and user.is_authenticated else None,
        email=email,
        token_hash=hash_token(token),
    )
    draft.save()
    return draft, token


@transaction.atomic
def draft_save_step(
    *, draft: Draft, step: int, answers: dict, files: dict[str, UploadedFile], field_specs: dict
) -> Draft:
    """Store the answers of one step (already validated by the step's form) and its files."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    hidden_files = [
        key
        for key, spec in field_specs.items()
        if spec["type"] == FieldType.FILE and key in answers and answers[key] is None
    ]
    for key in hidden_files:  # a file of a field that its condition now hides is not kept
        for attachment in draft.attachments.filter(field_key=key):
            attachment.file.delete(save=False)
            attachment.delete()
    for key, upload in files.items():
        spec = field_specs[key]
        for old in draft.attachments.filter(field_key=key):
            old.file.delete(save=False)
            old.delete()
        _store_attachment(
            upload=upload,
            allowed=spec["file_types"],
            max_mb=spec["max_file_mb"],
            draft=draft,
            field_key=key,
        )
        answers[key] = upload.name
    draft.answers = {**draft.answers, **answers}
    draft.step = max(draft.step, step + 1)
    draft.updated_at = timezone.now()
    draft.save(update_fields=["answers", "step", "updated_at"])
    return draft


def draft_send_link(*, draft: Draft, token: str, email: str, language: str) -> None:
    """E-mail an anonymous applicant the link to resume their draft (once per draft)."""
    from services import tasks

    with transaction.atomic():
        claimed = Draft.objects.filter(pk=draft.pk, link_sent_at__isnull=True).update(
            link_sent_at=timezone.now(), email=email
        )
        if claimed:
            transaction.on_commit(lambda: tasks.send_draft_link.delay(draft.pk, token, language))


# --- Cases ---------------------------------------------------------------------------------------


def _next_reference() -> str:
    year = timezone.localdate().year
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.select_for_update().get(year=year).last
    return f"CR-{year}-{number:06d}"


def case_submit(
    *, draft: Draft, applicant_name: str, applicant_email: str, language: str, consent: bool
) -> tuple[Case, str]:
    """Turn a complete draft into a case. Returns the case and a secret link token for it."""
    from services import tasks

    if not consent:
        raise ApplicationError(_("Please agree to the processing of your data."))
    with transaction.atomic():
        draft = (
            Draft.objects.select_for_update()
            .select_related("service", "form_version")
            .get(pk=draft.pk)
        )
        missing = selectors.missing_answers(
            form_version=draft.form_version,
            answers=draft.answers,
            files=set(draft.attachments.values_list("field_key", flat=True)),
            language=language,
        )
        if missing:
            raise ApplicationError(
                _("Please answer “{label}” (step {step}).").format(**missing[0]),
                extra={"step": missing[0]["step"]},
            )
        service = draft.service
        token = secrets.token_urlsafe(24)
        now = timezone.now()
        case = Case(
            reference=_next_reference(),
            service=service,
            form_version=draft.form_version,
            department=service.department,
            applicant=draft.user,
            applicant_name=applicant_name.strip(),
            applicant_email=applicant_email.strip().lower(),
            language=language,
            answers=draft.answers,
            submitted_at=now,
            due_date=timezone.localdate(now) + timedelta(days=service.processing_days),
            access_token_hash=hash_token(token),
        )
        case.full_clean(exclude=["receipt"])
        case.save()
        draft.attachments.update(case=case, draft=None)
        event = CaseEvent.objects.create(
            case=case, kind=EventKind.SUBMITTED, to_status=CaseStatus.RECEIVED, public=True
        )
        draft.delete()
        link_token = "" if case.applicant_id else token
        transaction.on_commit(lambda: tasks.case_submitted.delay(case.pk, event.pk, link_token))
    return case, token


def case_transition(
    *, case: Case, actor: User, to_status: str, note: str = "", notify: bool = True
) -> CaseEvent:
    """The only way a case changes its status."""
    from services import tasks

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        from_status = case.status
        is_applicant = case.applicant_id is not None and case.applicant_id == actor.pk
        is_staff = actor.is_staff and Case.objects.visible_to(actor).filter(pk=case.pk).exists()
        if is_staff:
            allowed = STAFF_TRANSITIONS.get(from_status, set())
        elif is_applicant:
            allowed = APPLICANT_TRANSITIONS.get(from_status, set())
        else:
            raise PermissionDenied
        if to_status not in allowed:
            raise ApplicationError(
                _("A case that is “{current}” cannot become “{target}”.").format(
                    current=CaseStatus(from_status).label, target=CaseStatus(to_status).label
                )
            )
        if to_status == CaseStatus.REJECTED and not note.strip():
            raise ApplicationError(_("A rejection needs a reason for the applicant."))
        case.status = to_status
        fields = ["status"]
        if to_status in CLOSED_STATUSES:
            case.closed_at = timezone.now()
            fields.append("closed_at")
        elif from_status in CLOSED_STATUSES:
            case.closed_at = None
            fields.append("closed_at")
        case.save(update_fields=fields)
        event = CaseEvent.objects.create(
            case=case,
            kind=EventKind.STATUS,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            note=note.strip(),
            public=True,
        )
        if notify:
            transaction.on_commit(lambda: tasks.notify_event.delay(event.pk))
    return event


def case_withdraw(*, case: Case, user: User) -> CaseEvent:
    return case_transition(case=case, actor=user, to_status=CaseStatus.WITHDRAWN)


@transaction.atomic
def case_assign(*, case: Case, actor: User, assignee: User | None) -> CaseEvent:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied
    if assignee is not None and not (
        assignee.is_staff and Case.objects.visible_to(assignee).filter(pk=case.pk).exists()
    ):
        raise ApplicationError(
            _("Cases can only be assigned to staff of the responsible department.")
        )
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to"])
    return CaseEvent.objects.create(
        case=case,
        kind=EventKind.ASSIGNED,
        actor=actor,
        note=str(assignee) if assignee else "",
        public=False,
    )


@transaction.atomic
def case_add_note(*, case: Case, actor: User, note: str) -> CaseEvent:
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists() or not actor.is_staff:
        raise PermissionDenied
    if not note.strip():
        raise ApplicationError(_("An empty note cannot be saved."))
    return CaseEvent.objects.create(
        case=case, kind=EventKind.NOTE, actor=actor, note=note.strip(), public=False
    )


def message_send(
    *,
    case: Case,
    sender: User,
    body: str,
    files: list[UploadedFile] = (),
    requests_documents: bool = False,
) -> Message:
    """A message on a case, either way. The office may ask for documents (case -> waiting);
    documents the applicant then sends move the case back to in progress."""
    from services import tasks

    body = body.strip()
    if not body and not files:
        raise ApplicationError(_("Please write a message or attach a file."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        from_office = (
            sender.is_staff and Case.objects.visible_to(sender).filter(pk=case.pk).exists()
        )
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
            _store_attachment(
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
        transaction.on_commit(lambda: tasks.notify_event.delay(event.pk))
    return message


def access_log(*, user: User, case: Case, action: AccessAction, detail: str = "") -> None:
    """Record a staff read of personal data. Citizens reading their own case are not logged."""
    if not user.is_staff:
        return
    AccessLog.objects.create(
        user=user, case=case, reference=case.reference, action=action, detail=detail[:200]
    )


# --- Retention -----------------------------------------------------------------------------------


def cases_anonymise_expired(*, now=None) -> int:
    """Anonymise personal data of cases closed longer ago than their service's retention period."""
    now = now or timezone.now()
    count = 0
    candidates = Case.objects.filter(
        status__in=CLOSED_STATUSES, anonymised_at__isnull=True, closed_at__isnull=False
    ).select_related("service")
    for case in candidates.iterator():
        if case.closed_at + timedelta(days=case.service.retention_days) <= now:
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
