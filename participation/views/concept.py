"""The start page and the concept: versions, comparison, PDF, search, sections."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participation import selectors, services
from participation.forms import CommentForm, SearchForm
from participation.models import FieldOfAction
from participation.views.common import document_or_404, page_context, version_or_404
from participation.views.discussion import post_comment
from portal.files import file_response


def index(request):
    document = selectors.concept_document()
    process = selectors.process_for_document(document=document) or selectors.default_process()
    context: dict[str, object] = {"process": process, "document": document}
    if process is not None:
        now = timezone.now()
        context.update(page_context(request, process))
        context["running"] = selectors.processes_overview(now=now)["running"]
        context["follows"] = selectors.follows(user=request.user)
    context["fields"] = FieldOfAction.objects.order_by("order")
    return render(request, "participation/index.html", context)


# --- The concept --------------------------------------------------------------------------------


def concept(request, number: int | None = None):
    document = document_or_404()
    version = version_or_404(document, number)
    latest = document.versions.order_by("-number").values_list("number", flat=True).first()
    context = selectors.reading_context(version=version)
    counts = selectors.comment_counts(document=document)
    for chapter in context["chapters"]:
        for s in chapter.sections:
            s.comment_count = counts.get(s.key, 0)
    context.update(
        {
            "latest_number": latest,
            "search_form": SearchForm(),
            "goal_fields": selectors.concept_goals(document=document, chapters=context["chapters"]),
        }
    )
    return render(request, "participation/concept.html", context)


@require_GET
def concept_reading(request, number: int | None = None):
    """The print-ready reading version for the council: numbered sections with a table of
    contents and the decision history of every version. Public, as the concept page is: the
    council's decisions on the concept are public record."""
    document = document_or_404()
    version = version_or_404(document, number)
    context = selectors.reading_context(version=version)
    context.update(
        {
            "goal_fields": selectors.concept_goals(document=document, chapters=context["chapters"]),
            "history": selectors.decision_history(document=document),
        }
    )
    return render(request, "participation/concept_reading.html", context)


def versions(request):
    document = document_or_404()
    return render(
        request,
        "participation/versions.html",
        {"document": document, "versions": selectors.versions(document=document)},
    )


def diff(request):
    document = document_or_404()
    all_versions = selectors.versions(document=document)
    if len(all_versions) < 2:
        return redirect("participation:versions")
    by_number = {v.number: v for v in all_versions}
    try:
        old = by_number[int(request.GET.get("von", all_versions[1].number))]
        new = by_number[int(request.GET.get("bis", all_versions[0].number))]
    except (KeyError, ValueError):
        messages.error(request, _("Please choose two published versions."))
        return redirect("participation:versions")
    return render(
        request,
        "participation/diff.html",
        {
            "document": document,
            "versions": all_versions,
            "old": old,
            "new": new,
            "sections": selectors.version_diff(old=old, new=new),
        },
    )


@require_GET
def concept_pdf(request, number: int):
    document = document_or_404()
    version = version_or_404(document, number)
    if not version.pdf:
        services.version_pdf_request(version=version)  # idempotent; eager without a broker
        version.refresh_from_db(fields=["pdf"])
    if not version.pdf:
        return render(request, "participation/pdf_pending.html", {"version": version}, status=202)
    name = f"{document.slug}-v{version.number}.pdf"
    return file_response(version.pdf, filename=name)


def search(request):
    document = document_or_404()
    version = version_or_404(document)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.search(version=version, query=query) if query else []
    return render(
        request,
        "participation/search.html",
        {"version": version, "form": form, "query": query, "results": results},
    )


@require_http_methods(["GET", "POST"])
def section(request, key: str):
    """A section of the current version with its discussion (across versions)."""
    document = document_or_404()
    # None: the section is readable, not discussable
    process = selectors.process_for_document(document=document)
    version = version_or_404(document)
    current = version.sections.filter(key=key).select_related("field_of_action").first()
    if current is None:
        raise Http404
    form = CommentForm(request.POST or None)
    if request.method == "POST" and process is not None:
        done = post_comment(request, form, process, section=current)
        if done is not None:
            return done
    current.html = selectors.render_markdown(current.body)
    context = page_context(request, process)
    context.update(
        {
            "document": document,
            "version": version,
            "section": current,
            "form": form,
            "comments": selectors.section_comments(document=document, key=key, user=request.user),
            "follows": selectors.follows(user=request.user),
        }
    )
    return render(request, "participation/section.html", context)
