"""Proposals: the list, submitting, a proposal with its discussion, supporting, following."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import rules, selectors, services
from participation.forms import CommentForm, ProposalForm
from participation.models import FieldOfAction, PhaseAction, Process, Proposal
from participation.views.common import document_or_404, page_context, process_or_404
from participation.views.discussion import post_comment
from portal.api import ApplicationError
from portal.files import file_response
from portal.redirects import safe_next


def proposals(request, slug: str):
    process = process_or_404(slug)
    field_slug = request.GET.get("handlungsfeld", "")
    page = selectors.proposals_page(
        process=process, page=request.GET.get("seite"), field_slug=field_slug
    )
    context = page_context(request, process)
    context.update(
        {
            "page": page,
            "field_slug": field_slug,
            "fields": FieldOfAction.objects.order_by("order"),
            "supported": selectors.supported_ids(user=request.user, proposals=page.object_list),
        }
    )
    return render(request, "participation/proposals.html", context)


@require_GET
def proposals_legacy(request):
    """The proposal list from before several processes: on to the default process's list."""
    url = reverse("participation:process_proposals", args=[process_or_404().slug])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request, slug: str | None = None):
    """Submitting a proposal to the process ``slug``; the old address without one serves the
    default process (a GET goes on to its address, a form sent there still arrives)."""
    process = process_or_404(slug)
    if slug is None and request.method == "GET":
        return redirect("participation:process_proposal_create", slug=process.slug)
    refusal = rules.refusal(request.user, process, PhaseAction.PROPOSE, timezone.now())
    if refusal:
        messages.error(request, refusal)
        return redirect("participation:process_proposals", slug=process.slug)
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
            form.add_error(exc.extra.get("field"), exc.message)
        else:
            messages.success(request, _("Thank you. Your proposal is published."))
            return redirect(proposal)
    return render(
        request,
        "participation/proposal_form.html",
        {"form": form, "process": process},
    )


@require_GET
def proposal_image(request, pk: int):
    """A proposal's image is public; it was checked and re-encoded when it was uploaded."""
    item = get_object_or_404(Proposal.objects.exclude(image=""), pk=pk)
    return file_response(
        item.image,
        filename=f"vorschlag-{item.pk}.{item.image_type or 'jpg'}",
        inline_image=True,
    )


@require_http_methods(["GET", "POST"])
def proposal(request, pk: int):
    item = get_object_or_404(
        Proposal.objects.select_related("process", "field_of_action", "author"), pk=pk
    )
    process = Process.objects.prefetch_related("phases").get(pk=item.process_id)
    item.process = process
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        done = post_comment(request, form, process, proposal=item)
        if done is not None:
            return done
    context = page_context(request, process)
    context.update(
        {
            "proposal": item,
            "form": form,
            "comments": selectors.comment_threads(comments=item.comments.all(), user=request.user),
            "supported": selectors.supported_ids(user=request.user, proposals=[item]),
            "support_refusal": rules.support_refusal(request.user, item, context["now"]),
            "follows": selectors.follows(user=request.user),
            "project": getattr(item, "project", None),
            "events": item.events.all(),
        }
    )
    return render(request, "participation/proposal_detail.html", context)


@login_required
@require_POST
def proposal_support(request, pk: int):
    item = get_object_or_404(Proposal.objects.select_related("process"), pk=pk)
    back = safe_next(request, request.POST.get("next"), item.get_absolute_url())
    item.process = Process.objects.prefetch_related("phases").get(pk=item.process_id)
    refusal = rules.support_refusal(request.user, item, timezone.now())
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    try:
        done = services.proposal_support(user=request.user, proposal=item)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, _("Thank you for your support."))
        else:
            messages.info(request, _("You already support this proposal."))
    return redirect(back)


@login_required
@require_POST
def follow(request):
    target = request.POST.get("target", "")
    kwargs: dict = {}
    back = reverse("participation:index")
    if target == "process":
        process = get_object_or_404(Process, pk=request.POST.get("id", "0") or 0)
        kwargs["process"] = process
        back = process.get_absolute_url()
    elif target == "proposal":
        item = get_object_or_404(Proposal, pk=request.POST.get("id", "0") or 0)
        kwargs["proposal"] = item
        back = item.get_absolute_url()
    elif target == "section":
        kwargs["document"] = document_or_404()
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
