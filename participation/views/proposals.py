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
from participation.models import FieldOfAction, Process, Proposal
from participation.views.common import document_or_404, page_context, process_or_404
from participation.views.discussion import post_comment
from portal.api import ApplicationError
from portal.files import file_response
from portal.redirects import safe_next


def proposals(request):
    process = process_or_404()
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


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    process = process_or_404()
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
    try:
        done = services.proposal_support(user=request.user, proposal=item)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, _("Thank you for your support."))
        else:
            messages.info(request, _("You already support this proposal."))
    return redirect(safe_next(request, request.POST.get("next"), item.get_absolute_url()))


@login_required
@require_POST
def follow(request):
    process = process_or_404()
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
