"""The concept document: publishing a draft as an immutable version, and the version's PDF."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participation import selectors
from participation.models import ConceptDocument, DocumentVersion, Section
from portal.api import ApplicationError
from portal.audit import audit_record
from portal.i18n import CONTENT_LANGUAGE
from portal.jobs import job_enqueue, job_send

PDF_TASK = "participation.tasks.build_version_pdf"
SECTION_FIELDS = (
    "key",
    "chapter",
    "chapter_title",
    "number",
    "title",
    "body",
    "field_of_action_id",
)


@transaction.atomic
def document_publish(*, document: ConceptDocument, user, change_note: str) -> DocumentVersion:
    """Copy the draft's sections into a new immutable version with a change note."""
    if not change_note.strip():
        raise ApplicationError(_("A new version needs a change note."))
    document = ConceptDocument.objects.select_for_update().get(pk=document.pk)
    draft = list(document.sections.filter(version__isnull=True).order_by("chapter", "number"))
    if not draft:
        raise ApplicationError(_("The draft has no sections."))
    current = document.versions.order_by("-number").first()
    if current is not None:
        published = [
            tuple(getattr(s, f) for f in SECTION_FIELDS)
            for s in current.sections.order_by("chapter", "number")
        ]
        if published == [tuple(getattr(s, f) for f in SECTION_FIELDS) for s in draft]:
            raise ApplicationError(_("The draft does not differ from the published version."))
    version = DocumentVersion(
        document=document,
        number=(current.number + 1) if current else 1,
        change_note=change_note.strip(),
        published_by=user if user is not None and user.is_authenticated else None,
    )
    version.full_clean()
    version.save()
    Section.objects.bulk_create(
        Section(document=document, version=version, **{f: getattr(s, f) for f in SECTION_FIELDS})
        for s in draft
    )
    job_enqueue(PDF_TASK, version.pk)
    return version


@transaction.atomic
def document_publish_draft(*, document: ConceptDocument, user) -> DocumentVersion:
    """Staff (the admin action): publish the draft with its change note, then empty the note
    for the next version. The version row records who published; the document's history
    records the action."""
    version = document_publish(document=document, user=user, change_note=document.draft_change_note)
    document = ConceptDocument.objects.get(pk=document.pk)
    document.draft_change_note = ""
    document.save(update_fields=["draft_change_note"])
    audit_record(actor=user, obj=document, message=f"Published version {version.number}.")
    return version


def decision_problem(*, decided_by: str, decision_reference: str, decided_on: date | None) -> str:
    """What is wrong with a version's decision record, or "" (the admin form asks first)."""
    if decided_on and decided_on > timezone.localdate():
        return _("The date of the decision cannot lie in the future.")
    if (decision_reference.strip() or decided_on) and not decided_by.strip():
        return _("Please name the body that took the decision.")
    return ""


@transaction.atomic
def version_decision_record(
    *,
    version: DocumentVersion,
    user,
    decided_by: str,
    decision_reference: str,
    decided_on: date | None,
) -> DocumentVersion:
    """Record which body adopted a published version, by which decision and when. The text of
    a version never changes; its decision is known only after the council met."""
    problem = decision_problem(
        decided_by=decided_by, decision_reference=decision_reference, decided_on=decided_on
    )
    if problem:
        raise ApplicationError(problem)
    version = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    version.decided_by = decided_by.strip()
    version.decision_reference = decision_reference.strip()
    version.decided_on = decided_on
    version.full_clean()
    version.save(update_fields=["decided_by", "decision_reference", "decided_on"])
    audit_record(
        actor=user,
        obj=version,
        message=f"Decision recorded: {version.decided_by} {version.decision_reference} "
        f"{version.decided_on or ''}".strip(),
    )
    return version


def version_pdf_build(*, version_id: int) -> bool:
    """Render a version's PDF once. Idempotent: a version that has its file is skipped, and the
    row is locked while the file is attached. Returns False if there was nothing to do."""
    from portal.pdf import render_to_pdf

    version = DocumentVersion.objects.select_related("document").get(pk=version_id)
    if version.pdf:
        return False
    with translation.override(CONTENT_LANGUAGE):  # the concept is written in German
        context = selectors.reading_context(version=version)
        content = render_to_pdf("participation/concept_pdf.html", context)
    with transaction.atomic():
        locked = DocumentVersion.objects.select_for_update().get(pk=version_id)
        if locked.pdf:
            return False
        name = f"{version.document.slug}-v{version.number}.pdf"
        locked.pdf.save(name, ContentFile(content), save=False)
        locked.save(update_fields=["pdf"])
    return True


def version_pdf_request(*, version: DocumentVersion) -> None:
    """Someone asked for a version's PDF that is not built yet: build it now (eager) or in a
    worker (the page says it is being prepared). Idempotent, like the build."""
    job_send(PDF_TASK, version.pk)
