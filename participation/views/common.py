"""What the pages of the Beteiligungsplattform share: the process, the document, the context."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from participation import selectors
from participation.models import DocumentVersion


def process_or_404(slug: str | None = None):
    """The process named by ``slug``; without one the default process (for old links)."""
    process = (
        selectors.process_by_slug(slug=slug) if slug is not None else selectors.default_process()
    )
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
    return {
        "process": process,
        "now": now,
        "can": selectors.can(request.user, process, now),
        "why": selectors.why_not(request.user, process, now),
    }
