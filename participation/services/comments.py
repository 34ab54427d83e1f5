"""Comments: writing, moderating, answering as the city, agreeing, flagging.

Followers are e-mailed in the transaction in which a comment becomes visible (written in a
post-moderated process, answered by the city, or approved by a moderator)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import rules
from participation.models import (
    Comment,
    CommentReaction,
    CommentStatus,
    Flag,
    Moderation,
    Process,
    Proposal,
    Section,
)
from participation.services.notifications import comment_hidden_notify, comment_notify
from portal.api import ApplicationError
from portal.audit import audit_record


def comment_create(
    *,
    user,
    process: Process,
    body: str,
    section: Section | None = None,
    proposal: Proposal | None = None,
    parent: Comment | None = None,
    now: datetime | None = None,
) -> Comment:
    """A comment or reply. Pre-moderated processes hold it until a moderator approves it;
    a moderator's reply is the city's answer and appears at once."""
    now = now or timezone.now()
    official = parent is not None and rules.can_answer_as_city(user)
    allowed = (
        rules.can_reply(user, process, now) if parent else rules.can_comment(user, process, now)
    )
    if not allowed:
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ApplicationError(_("Please write a comment."))
    if parent is not None:
        parent = Comment.objects.select_related("section", "proposal").get(pk=parent.pk)
        section, proposal = parent.section, parent.proposal
        if parent.status != CommentStatus.VISIBLE:
            raise ApplicationError(_("This comment cannot be answered."))
    visible = official or process.moderation == Moderation.POST
    with transaction.atomic():
        comment = Comment(
            process=process,
            section=section,
            proposal=proposal,
            parent=parent,
            author=user,
            body=body,
            is_official=official,
            status=CommentStatus.VISIBLE if visible else CommentStatus.PENDING,
            created_at=now,
        )
        comment.full_clean()
        comment.save()
        if visible:
            comment_notify(comment=comment)
    return comment


def _moderated(comment: Comment, moderator) -> Comment:
    if not rules.can_moderate(moderator):
        raise PermissionDenied
    return Comment.objects.select_for_update().get(pk=comment.pk)


def comment_approve(*, comment: Comment, moderator) -> Comment:
    """Publish a pending comment (or keep a flagged one); its flags count as resolved."""
    with transaction.atomic():
        comment = _moderated(comment, moderator)
        comment.status = CommentStatus.VISIBLE
        comment.hidden_reason = ""
        comment.moderated_by = moderator
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
        comment.flags.filter(resolved_at__isnull=True).update(resolved_at=comment.moderated_at)
        audit_record(actor=moderator, obj=comment, message="Approved.")
        comment_notify(comment=comment)  # keyed: a comment approved twice is e-mailed once
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, moderator, reason: str) -> Comment:
    """Hide a comment; the reason is shown in its place and e-mailed to its author."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Please give the reason for hiding the comment."))
    comment = _moderated(comment, moderator)
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = reason
    comment.moderated_by = moderator
    comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
    comment.flags.filter(resolved_at__isnull=True).update(resolved_at=comment.moderated_at)
    audit_record(actor=moderator, obj=comment, message=f"Hidden: {reason}")
    comment_hidden_notify(comment=comment)
    return comment


def comment_answer_as_city(*, comment: Comment, moderator, body: str) -> Comment:
    """Answer a comment as the city ("Antwort der Stadt"); approves it if it was pending."""
    if not rules.can_answer_as_city(moderator):
        raise PermissionDenied
    with transaction.atomic():
        if comment.status == CommentStatus.PENDING:
            comment = comment_approve(comment=comment, moderator=moderator)
        return comment_create(user=moderator, process=comment.process, body=body, parent=comment)


def comment_agree(*, comment: Comment, user, now: datetime | None = None) -> bool:
    """ "I agree". Returns False if this account already agreed (one per account).
    An author cannot agree with their own comment."""
    if rules.is_author(user, comment):
        raise ApplicationError(str(rules.OWN_COMMENT))
    if not rules.can_react(user, comment.process, now or timezone.now()):
        raise PermissionDenied
    if comment.status != CommentStatus.VISIBLE:
        raise ApplicationError(_("This comment cannot be agreed with."))
    try:
        with transaction.atomic():
            CommentReaction.objects.create(comment=comment, user=user)
    except IntegrityError:
        return False
    return True


def comment_flag(*, comment: Comment, user, reason: str = "") -> bool:
    """Report a comment to the moderators. Returns False if this account already did."""
    if not rules.can_flag(user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            Flag.objects.create(comment=comment, user=user, reason=reason.strip()[:300])
    except IntegrityError:
        return False
    return True
