"""Who follows what (for e-mails on news)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from participation.models.concept import ConceptDocument
from participation.models.processes import Process
from participation.models.proposals import Proposal

USER = settings.AUTH_USER_MODEL


class Follow(models.Model):
    """Someone follows a process, a section (by its key, across versions) or a proposal."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="participation_follows")
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        ConceptDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    section_key = models.SlugField(max_length=60, blank=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(process__isnull=False, document__isnull=True, proposal__isnull=True)
                | Q(process__isnull=True, document__isnull=False, proposal__isnull=True)
                & ~Q(section_key="")
                | Q(process__isnull=True, document__isnull=True, proposal__isnull=False),
                name="participation_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "process"],
                condition=Q(process__isnull=False),
                name="participation_follow_process_once",
            ),
            models.UniqueConstraint(
                fields=["user", "document", "section_key"],
                condition=Q(document__isnull=False),
                name="participation_follow_section_once",
            ),
            models.UniqueConstraint(
                fields=["user", "proposal"],
                condition=Q(proposal__isnull=False),
                name="participation_follow_proposal_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.process_id or self.proposal_id or self.section_key}"
