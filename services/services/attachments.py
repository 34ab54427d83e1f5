"""Storing uploaded files of drafts, cases and messages (checked by ``portal.uploads``)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from portal.files import files_delete_on_commit
from portal.uploads import upload_check
from services.models import Attachment


def attachment_store(
    *, upload: UploadedFile, allowed: list[str], max_mb: int, **owner
) -> Attachment:
    """Check ``upload`` and store it for ``owner`` (draft/case/message and field_key).

    Raises ApplicationError with a message for the user; call inside the caller's transaction.
    """
    checked = upload_check(upload=upload, allowed=allowed, max_mb=max_mb)
    attachment = Attachment(
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        **owner,
    )
    attachment.file.save("upload", ContentFile(checked.content), save=False)
    attachment.save()
    return attachment


def attachments_delete(*, attachments: QuerySet[Attachment]) -> int:
    """Delete the rows; their files go once the caller's transaction commits (a rollback keeps
    both). Returns how many were deleted."""
    rows = list(attachments)
    files_delete_on_commit(*(attachment.file for attachment in rows))
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in rows]).delete()
    return len(rows)
