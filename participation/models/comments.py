"""Comments on sections and proposals, agreement and flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.concept import Section
from participation.models.processes import Process
from participation.models.proposals import Proposal

USER = settings.AUTH_USER_MODEL


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user, *, moderator: bool) -> CommentQuerySet:
        """What a person sees in a discussion: visible and hidden comments (the latter show
        their reason), plus their own pending ones; moderators see every comment.

        ``moderator`` is the caller's answer of ``rules.can_moderate(user)`` (the models sit
        below the rules and do not ask them)."""
        if moderator:
            return self
        shown = Q(status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN])
        if user is not None and user.is_authenticated:
            shown |= Q(author=user)
        return self.filter(shown)


class Comment(models.Model):
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="comments", verbose_name=_("process")
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("section"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("proposal"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    # Kept when the account is deleted: the text stays in the discussion without a name.
    author = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=8, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    is_official = models.BooleanField(_("answer of the city"), default=False)
    moderated_by = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    # Set for display by selectors.comment_threads, not stored.
    depth: int
    thread_replies: list[Comment]

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["proposal", "status"], name="participation_comment_prop"),
            models.Index(fields=["section", "status"], name="participation_comment_section"),
            models.Index(fields=["status", "created_at"], name="participation_comment_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__isnull=False, proposal__isnull=True)
                | Q(section__isnull=True, proposal__isnull=False),
                name="participation_comment_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommentStatus.HIDDEN) | ~Q(hidden_reason=""),
                name="participation_comment_hidden_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class CommentReaction(models.Model):
    """ "I agree"."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="participation_one_agree_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"


class Flag(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="participation_one_flag_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"
