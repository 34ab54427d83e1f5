"""Proposals of citizens, their supports and the history of their status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.concept import FieldOfAction
from participation.models.processes import Process

USER = settings.AUTH_USER_MODEL


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    IMPLEMENTED = "implemented", _("Implemented")
    REJECTED = "rejected", _("Rejected")


class Proposal(models.Model):
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("process")
    )
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=5000)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("field of action"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    image = models.FileField(_("image"), upload_to="participation/proposals/", blank=True)
    image_type = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
    )
    status_reason = models.TextField(_("reason / answer of the city"), blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)

    # Set for display by selectors.proposals_page, not stored.
    comment_count: int

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["process", "-created_at", "-id"], name="participation_prop_list")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.REJECTED) | ~Q(status_reason=""),
                name="participation_proposal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="participation_proposal_location_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal", args=[self.pk])


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="proposal_supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "proposal"], name="participation_one_support_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class ProposalEvent(models.Model):
    """The history of a proposal's status: who changed it when, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=14, choices=ProposalStatus.choices)
    to_status = models.CharField(max_length=14, choices=ProposalStatus.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"
