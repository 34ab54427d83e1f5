"""Applications in progress: start, save a step, mail the resume link, prefilled drafts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api import ApplicationError
from portal.models import User
from portal.tokens import token_generate, token_hash
from services import notifications
from services.models import Draft, FieldType, Service
from services.services.attachments import attachment_store, attachments_delete


@transaction.atomic
def draft_start(*, service: Service, user: User | None, email: str = "") -> tuple[Draft, str]:
    """Open a draft for the service's current form. Returns the draft and its secret token."""
    if not service.is_published:
        raise ApplicationError(_("This service is offline. Please contact the responsible office."))
    if not service.is_online or service.current_form is None:
        raise ApplicationError(_("This service cannot be applied for online."))
    if user is None and not service.accepts_anonymous:
        raise PermissionDenied
    token = token_generate()
    draft = Draft(
        service=service,
        form_version=service.current_form,
        user=user if user is not None and user.is_authenticated else None,
        email=email,
        token_hash=token_hash(token),
    )
    draft.save()
    return draft, token


@transaction.atomic
def draft_prefilled(
    *,
    service: Service,
    user: User | None,
    email: str,
    answers: dict,
    files: dict[str, list[UploadedFile]] | None = None,
    allowed: list[str] | None = None,
    max_mb: int = 10,
) -> Draft:
    """A complete draft from answers gathered elsewhere (the defect form, Open311), ready for
    ``case_submit``. Its token is never handed out: only its owner or the filing uses it."""
    form_version = service.current_form
    if not service.is_published:
        raise ApplicationError(_("This service is offline. Please contact the responsible office."))
    if not service.is_online or form_version is None:
        raise ApplicationError(_("This service cannot be applied for online."))
    draft = Draft(
        service=service,
        form_version=form_version,
        user=user if user is not None and user.is_authenticated else None,
        email=email,
        token_hash=token_hash(token_generate()),
        answers=answers,
        step=len(form_version.steps),
    )
    draft.save()
    for key, uploads in (files or {}).items():
        for upload in uploads:
            attachment_store(
                upload=upload,
                allowed=allowed or ["pdf", "jpeg", "png"],
                max_mb=max_mb,
                draft=draft,
                field_key=key,
            )
    return draft


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
        attachments_delete(attachments=draft.attachments.filter(field_key=key))
    for key, upload in files.items():
        spec = field_specs[key]
        attachments_delete(attachments=draft.attachments.filter(field_key=key))
        attachment_store(
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


@transaction.atomic
def draft_send_link(*, draft: Draft, token: str, email: str, language: str) -> None:
    """E-mail an anonymous applicant the link to resume their draft (once per draft)."""
    claimed = Draft.objects.filter(pk=draft.pk, link_sent_at__isnull=True).update(
        link_sent_at=timezone.now(), email=email
    )
    if claimed:
        draft = Draft.objects.select_related("service").get(pk=draft.pk)
        notifications.draft_link_queue(draft=draft, token=token, language=language)
