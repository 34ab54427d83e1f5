"""A person's own comments and proposals, for the profile page ("Mein Konto").

Offered to the portal as ``participation.selectors.user_contributions``; a module of its own
because selectors.py is near the size limit. Plain dicts: the portal renders them unchanged."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.models import Comment, CommentStatus, Proposal


def _comment_url(comment: Comment) -> str:
    if comment.proposal_id:
        return reverse("participation:proposal", args=[comment.proposal_id])
    if comment.section is not None:
        return reverse("participation:section", args=[comment.section.key])
    return ""


def user_contributions(*, user) -> list[dict]:
    comments = Comment.objects.filter(author=user).select_related("section").order_by("-created_at")
    proposals = Proposal.objects.filter(author=user).order_by("-created_at")
    return [
        {
            "title": _("My comments"),
            "items": [
                {
                    "text": Truncator(c.body).chars(80),
                    "url": _comment_url(c),
                    "status": c.get_status_display(),
                    "detail": _("Reason: %(reason)s") % {"reason": c.hidden_reason}
                    if c.status == CommentStatus.HIDDEN
                    else "",
                }
                for c in comments
            ],
        },
        {
            "title": _("My proposals"),
            "items": [
                {
                    "text": p.title,
                    "url": p.get_absolute_url(),
                    "status": p.get_status_display(),
                    "detail": ngettext("%(count)d support", "%(count)d supports", p.support_count)
                    % {"count": p.support_count},
                }
                for p in proposals
            ],
        },
    ]
