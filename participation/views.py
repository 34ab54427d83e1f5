"""Pages of the Beteiligungsplattform under /mitmachen/. Thin: parse, call, render."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import rules, selectors, services, tasks
from participation.forms import (
    CommentForm,
    FlagForm,
    HideForm,
    InviteForm,
    ProposalForm,
    SearchForm,
    SurveyForm,
)
from participation.models import (
    Comment,
    DocumentVersion,
    FieldOfAction,
    PhaseKind,
    Process,
    Project,
    Proposal,
    StrategicGoal,
    Survey,
)
from portal.api import ApplicationError


def _process_or_404():
    process = selectors.current_process()
    if process is None:
        raise Http404
    return process


def _document_or_404():
    document = selectors.concept_document()
    if document is None:
        raise Http404
    return document


def _version(document, number: int | None = None) -> DocumentVersion:
    versions = document.versions.select_related("published_by")
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise Http404
    return version


def _base(request, process) -> dict:
    now = timezone.now()
    return {"process": process, "now": now, "can": selectors.can(request.user, process, now)}


def index(request):
    process = selectors.current_process()
    context = {"process": process, "document": selectors.concept_document()}
    if process is not None:
        now = timezone.now()
        context.update(_base(request, process))
        context["phases"] = [
            {"phase": p, "running": p.starts_at <= now < p.ends_at} for p in process.phases.all()
        ]
        context["follows"] = selectors.follows(user=request.user)
    context["fields"] = FieldOfAction.objects.order_by("order")
    return render(request, "participation/index.html", context)


# --- The concept --------------------------------------------------------------------------------


def concept(request, number: int | None = None):
    document = _document_or_404()
    version = _version(document, number)
    latest = document.versions.order_by("-number").values_list("number", flat=True).first()
    context = selectors.reading_context(version=version)
    counts = selectors.comment_counts(document=document)
    for chapter in context["chapters"]:
        for s in chapter.sections:
            s.comment_count = counts.get(s.key, 0)
    context.update({"latest_number": latest, "search_form": SearchForm()})
    return render(request, "participation/concept.html", context)


def versions(request):
    document = _document_or_404()
    return render(
        request,
        "participation/versions.html",
        {"document": document, "versions": selectors.versions(document=document)},
    )


def diff(request):
    document = _document_or_404()
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
    document = _document_or_404()
    version = _version(document, number)
    if not version.pdf:
        tasks.build_version_pdf.delay(version.pk)  # idempotent; eager without a broker
        version.refresh_from_db(fields=["pdf"])
    if not version.pdf:
        return render(request, "participation/pdf_pending.html", {"version": version}, status=202)
    name = f"{document.slug}-v{version.number}.pdf"
    return FileResponse(
        version.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


def search(request):
    document = _document_or_404()
    version = _version(document)
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
    process = selectors.current_process()  # None: the section is readable, not discussable
    document = _document_or_404()
    version = _version(document)
    current = version.sections.filter(key=key).select_related("field_of_action").first()
    if current is None:
        raise Http404
    form = CommentForm(request.POST or None)
    if request.method == "POST" and process is not None:
        done = _post_comment(request, form, process, section=current)
        if done is not None:
            return done
    current.html = selectors.render_markdown(current.body)
    context = _base(request, process)
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


def _post_comment(request, form: CommentForm, process, **target):
    """Publish a comment on ``target`` (a section or a proposal); a redirect when done, None to
    show the page again with the form's errors."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not form.is_valid():
        return None
    try:
        comment = services.comment_create(
            user=request.user, process=process, body=form.cleaned_data["body"], **target
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    _comment_message(request, comment)
    return redirect(f"{request.path}#kommentar-{comment.pk}")


def _comment_message(request, comment: Comment) -> None:
    if comment.status == "pending":
        messages.success(
            request, _("Thank you. Your comment appears after a moderator has checked it.")
        )
    else:
        messages.success(request, _("Your comment has been published."))


def _comment_target(comment: Comment) -> str:
    if comment.proposal_id:
        url = reverse("participation:proposal", args=[comment.proposal_id])
    else:
        url = reverse("participation:section", args=[comment.section.key])
    return f"{url}#kommentar-{comment.pk}"


@login_required
@require_POST
def comment_reply(request, pk: int):
    parent = get_object_or_404(Comment.objects.select_related("process", "section"), pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a comment."))
        return redirect(_comment_target(parent))
    try:
        reply = services.comment_create(
            user=request.user, process=parent.process, body=form.cleaned_data["body"], parent=parent
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_comment_target(parent))
    _comment_message(request, reply)
    return redirect(_comment_target(reply))


@login_required
@require_POST
def comment_agree(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("process", "section"), pk=pk)
    try:
        done = services.comment_agree(comment=comment, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, _("You agree with this comment."))
        else:
            messages.info(request, _("You have already agreed with this comment."))
    return redirect(_comment_target(comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("section"), pk=pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.comment_flag(
            comment=comment, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Thank you. The moderators will look at the comment."))
        return redirect(_comment_target(comment))
    return render(
        request,
        "participation/flag.html",
        {"comment": comment, "form": form, "back": _comment_target(comment)},
    )


@login_required
@require_GET
def moderation(request):
    if not rules.can_moderate(request.user):
        raise PermissionDenied
    return render(
        request,
        "participation/moderation.html",
        {
            "queue": selectors.moderation_queue(),
            "hide_form": HideForm(),
            "answer_form": CommentForm(),
        },
    )


@login_required
@require_POST
def moderate(request, pk: int, action: str):
    comment = get_object_or_404(Comment.objects.select_related("process", "section"), pk=pk)
    if not rules.can_moderate(request.user):
        raise PermissionDenied
    try:
        if action == "freigeben":
            services.comment_approve(comment=comment, moderator=request.user)
            messages.success(request, _("The comment is published."))
        elif action == "ausblenden":
            services.comment_hide(
                comment=comment, moderator=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The comment is hidden; the reason is shown instead."))
        elif action == "antworten":
            services.comment_answer_as_city(
                comment=comment, moderator=request.user, body=request.POST.get("body", "")
            )
            messages.success(request, _("The answer of the city is published."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("participation:moderation")


# --- Proposals ----------------------------------------------------------------------------------


def proposals(request):
    process = _process_or_404()
    field_slug = request.GET.get("handlungsfeld", "")
    page = selectors.proposals_page(
        process=process, page=request.GET.get("seite"), field_slug=field_slug
    )
    context = _base(request, process)
    context.update(
        {
            "page": page,
            "field_slug": field_slug,
            "fields": FieldOfAction.objects.order_by("order"),
            "supported": selectors.supported_ids(user=request.user, proposals=page.object_list),
        }
    )
    return render(request, "participation/proposals.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    process = _process_or_404()
    if not rules.can_propose(request.user, process, timezone.now()):
        messages.error(request, _("Proposals can be made only during the proposal phase."))
        return redirect("participation:proposals")
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_create(
                user=request.user,
                process=process,
                title=data["title"],
                description=data["description"],
                field_of_action=data["field_of_action"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                image=data["image"] or None,
            )
        except ApplicationError as exc:
            form.add_error("image" if "image" in exc.message.lower() else None, exc.message)
        else:
            messages.success(request, _("Thank you. Your proposal is published."))
            return redirect(proposal)
    return render(
        request,
        "participation/proposal_form.html",
        {"form": form, "process": process, **_map_settings()},
    )


def _map_settings() -> dict:
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@require_GET
def proposal_image(request, pk: int):
    """A proposal's image is public; it was checked and re-encoded when it was uploaded."""
    item = get_object_or_404(Proposal.objects.exclude(image=""), pk=pk)
    content_type = "image/png" if item.image_type == "png" else "image/jpeg"
    return FileResponse(item.image.open("rb"), content_type=content_type)


@require_http_methods(["GET", "POST"])
def proposal(request, pk: int):
    item = get_object_or_404(
        Proposal.objects.select_related("process", "field_of_action", "author"), pk=pk
    )
    process = Process.objects.prefetch_related("phases").get(pk=item.process_id)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        done = _post_comment(request, form, process, proposal=item)
        if done is not None:
            return done
    context = _base(request, process)
    context.update(
        {
            "proposal": item,
            "form": form,
            "comments": selectors.comment_threads(comments=item.comments.all(), user=request.user),
            "supported": selectors.supported_ids(user=request.user, proposals=[item]),
            "follows": selectors.follows(user=request.user),
            "project": getattr(item, "project", None),
            **_map_settings(),
            "events": item.events.all(),
        }
    )
    return render(request, "participation/proposal_detail.html", context)


@login_required
@require_POST
def proposal_support(request, pk: int):
    item = get_object_or_404(Proposal.objects.select_related("process"), pk=pk)
    try:
        done = services.proposal_support(user=request.user, proposal=item)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, _("Thank you for your support."))
        else:
            messages.info(request, _("You already support this proposal."))
    return redirect(request.POST.get("next") or item.get_absolute_url())


@login_required
@require_POST
def follow(request):
    process = _process_or_404()
    target = request.POST.get("target", "")
    kwargs: dict = {}
    back = reverse("participation:index")
    if target == "process":
        kwargs["process"] = process
    elif target == "proposal":
        item = get_object_or_404(Proposal, pk=request.POST.get("id", "0") or 0)
        kwargs["proposal"] = item
        back = item.get_absolute_url()
    elif target == "section":
        kwargs["document"] = _document_or_404()
        kwargs["section_key"] = request.POST.get("id", "")
        back = reverse("participation:section", args=[kwargs["section_key"]])
    else:
        raise Http404
    following = services.follow_toggle(user=request.user, **kwargs)
    if following:
        messages.success(request, _("You follow this now and get an e-mail on news."))
    else:
        messages.success(request, _("You no longer follow this."))
    return redirect(back)


# --- Surveys ------------------------------------------------------------------------------------


def _survey(pk: int) -> Survey:
    return get_object_or_404(
        Survey.objects.select_related("process").prefetch_related("process__phases"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def survey(request, pk: int, token: str = ""):
    item = _survey(pk)
    process = item.process
    now = timezone.now()
    questions = list(item.questions.all())
    form = SurveyForm(request.POST or None, questions=questions)
    answered = request.user.is_authenticated and item.responses.filter(user=request.user).exists()
    allowed = bool(token) or rules.can_answer_survey(request.user, process, now)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.survey_respond(
                    survey=item,
                    answers=form.answers(),
                    user=request.user if not token else None,
                    token=token,
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Thank you for taking part in the survey."))
                return redirect("participation:index")
    context = _base(request, process)
    context.update(
        {
            "survey": item,
            "form": form,
            "answered": answered,
            "allowed": allowed and not answered,
            "phase": process.phase_of(PhaseKind.SURVEY),
        }
    )
    return render(request, "participation/survey.html", context)


def survey_results(request, pk: int):
    item = _survey(pk)
    if not rules.can_see_results(request.user, item.process, timezone.now()):
        messages.info(request, _("The results are published when the survey phase ends."))
        return redirect(item)
    context = _base(request, item.process)
    context.update({"survey": item, "results": selectors.survey_results(survey=item)})
    return render(request, "participation/survey_results.html", context)


@login_required
@require_GET
def survey_export(request, pk: int):
    item = _survey(pk)
    if not rules.can_export_results(request.user):
        raise PermissionDenied
    header, rows = selectors.survey_rows(survey=item)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="umfrage-{item.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the umlauts right
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def survey_invite(request, pk: int):
    """Staff send anonymous answer links (one per address) for a survey with tokens."""
    item = _survey(pk)
    if not rules.can_export_results(request.user) or not item.by_token:
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for email in form.cleaned_data["emails"]:
            services.survey_invite(survey=item, email=email, language=request.LANGUAGE_CODE or "de")
        messages.success(
            request,
            _("{n} invitations are being sent.").format(n=len(form.cleaned_data["emails"])),
        )
        return redirect(item)
    return render(request, "participation/survey_invite.html", {"survey": item, "form": form})


# --- Portfolio ----------------------------------------------------------------------------------


def projects(request):
    return render(request, "participation/projects.html", {"fields": selectors.roadmap()})


def project(request, slug: str):
    try:
        item = selectors.project_detail(slug=slug)
    except Project.DoesNotExist:
        raise Http404 from None
    updates = list(item.updates.order_by("-published_at"))
    for update in updates:
        update.html = selectors.render_markdown(update.body)
    return render(
        request,
        "participation/project_detail.html",
        {
            "project": item,
            "description": selectors.render_markdown(item.description),
            "updates": updates,
        },
    )


def goal(request, slug: str):
    item = get_object_or_404(StrategicGoal.objects.select_related("field"), slug=slug)
    return render(
        request,
        "participation/goal.html",
        {"goal": item, "projects": selectors.goal_projects(goal=item)},
    )
