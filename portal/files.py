"""Stored files: served so a browser never runs them, deleted only after commit, orphans swept.

- ``file_response``: every view that hands out an uploaded or generated file uses it. The
  type comes from the file's first bytes (not from the row or the name); the file is a download
  (images may show inline, as the image type that was sniffed) and carries ``nosniff`` and a
  sandboxing ``Content-Security-Policy``, so a PDF that is also HTML never runs as a page.
- ``files_delete_on_commit``: a file is deleted only once the transaction that removes its row
  has committed; a rollback keeps both.
- ``media_orphans_sweep``: files of the upload folders that no row points to any more (a
  rollback after the file was written, an old deletion) are removed after a grace period, so
  an upload in flight is never hit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial

from django.apps import apps
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone

from portal.uploads import IMAGE_KINDS, KINDS

logger = logging.getLogger(__name__)

# Nothing in a served file may load, run or frame anything; ``sandbox`` also gives it an
# opaque origin, should a browser ever render it as a page.
FILE_CSP = "default-src 'none'; sandbox"


def file_response(
    fieldfile: FieldFile,
    *,
    filename: str,
    inline_image: bool = False,
    cache_control: str | None = "private, no-store",
) -> FileResponse:
    """The stored file as a response a browser will not run.

    ``inline_image``: show it in the page if it really is a JPEG or PNG; anything else is a
    download whatever was asked. ``cache_control``: ``None`` for public files.
    """
    handle = fieldfile.open("rb")
    head = handle.read(16)
    handle.seek(0)
    kind = next((k for k, spec in KINDS.items() if head.startswith(spec.signature)), None)
    content_type = KINDS[kind].content_type if kind else "application/octet-stream"
    inline = inline_image and kind in IMAGE_KINDS
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if cache_control:
        response["Cache-Control"] = cache_control
    return response


def files_delete_on_commit(*fieldfiles: FieldFile | None) -> None:
    """Delete the stored files after the current transaction commits (at once outside one).

    The rows are the caller's to delete or clear; this only schedules the files.
    """
    for fieldfile in fieldfiles:
        if fieldfile and fieldfile.name:
            transaction.on_commit(partial(_delete, fieldfile.storage, fieldfile.name))


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # the row is gone either way; the orphan sweep tries again later
        logger.warning("could not delete stored file %s", name, exc_info=True)


def _file_fields() -> Iterator[tuple[type[models.Model], list[str], set[str]]]:
    """Every model with file fields: the field names and the top folders they upload to."""
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not fields:
            continue
        folders = set()
        for field in fields:
            upload_to = field.upload_to
            try:  # a callable's folder is what it gives for any name (ours ignore the instance)
                path = upload_to(None, "probe") if callable(upload_to) else upload_to
            except (AttributeError, TypeError):
                continue
            folder = str(path).strip("/").split("/", 1)[0]
            if folder and "%" not in folder:
                folders.add(folder)
        yield model, [f.name for f in fields], folders


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


def media_orphans_sweep(*, grace: timedelta, now: datetime | None = None) -> int:
    """Delete files in the upload folders that no row points to and that are older than
    ``grace``. Returns how many were deleted."""
    now = now or timezone.now()
    storage = storages["default"]
    referenced: set[str] = set()
    folders: set[str] = set()
    for model, names, model_folders in _file_fields():
        folders |= model_folders
        for values in model._default_manager.values_list(*names).iterator():
            referenced.update(value for value in values if value)
    deleted = 0
    for folder in sorted(folders):
        for name in _walk(storage, folder):
            if name in referenced:
                continue
            try:
                if storage.get_modified_time(name) > now - grace:
                    continue
            except FileNotFoundError:  # deleted meanwhile
                continue
            _delete(storage, name)
            deleted += 1
    return deleted
