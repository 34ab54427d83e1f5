"""What the pages of the Beteiligungsplattform share: the current process and document."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from participation import selectors
from participation.models import DocumentVersion


def process_or_404():
    process = selectors.current_process()
    if process is None:
        raise Http404
    return process


def document_or_404():
    document = selectors.concept_document()
    if document is None:
        raise Http404
    return document


def version_or_404(document, number: int | None = None) -> DocumentVersion:
    versions = document.versions.select_related("published_by")
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise Http404
    return version


def page_context(request, process) -> dict:
    now = timezone.now()
    return {"process": process, "now": now, "can": selectors.can(request.user, process, now)}
