"""Discussions: comments, replies, agreeing, flagging, and moderation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participation import rules, selectors, services
from participation.forms import CommentForm, FlagForm, HideForm
from participation.models import Comment
from portal.api import ApplicationError
from portal.roles import role_required


def post_comment(request, form: CommentForm, process, **target):
    """Publish a comment on ``target`` (a section or a proposal); a redirect when done, None to
    show the page again with the form's errors."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
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
    elif comment.section is not None:
        url = reverse("participation:section", args=[comment.section.key])
    else:
        raise ValueError(f"Comment {comment.pk} is on neither a proposal nor a section.")
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
    refusal = rules.agree_refusal(request.user, comment, timezone.now())
    if refusal:
        messages.error(request, refusal)
        return redirect(_comment_target(comment))
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


@role_required(rules.can_moderate)
@require_GET
def moderation(request):
    return render(
        request,
        "participation/moderation.html",
        {
            "queue": selectors.moderation_queue(),
            "hide_form": HideForm(),
            "answer_form": CommentForm(),
        },
    )


@role_required(rules.can_moderate)
@require_POST
def moderate(request, pk: int, action: str):
    comment = get_object_or_404(Comment.objects.select_related("process", "section"), pk=pk)
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
