"""Participation processes and their phases."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from participation.models.concept import ConceptDocument


class Moderation(models.TextChoices):
    PRE = "pre", _("Pre-moderation: comments appear after approval")
    POST = "post", _("Post-moderation: comments appear at once")


class Process(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    document = models.ForeignKey(
        ConceptDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processes",
        verbose_name=_("concept document"),
    )
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.POST
    )
    support_threshold = models.PositiveIntegerField(
        _("support threshold"),
        default=50,
        help_text=_("A proposal with this many supports goes to review; the city must answer."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")

    def __str__(self) -> str:
        return self.title

    def active_kinds(self, now) -> set[str]:
        """The kinds of the phases running at ``now`` (uses prefetched phases)."""
        return {p.kind for p in self.phases.all() if p.starts_at <= now < p.ends_at}

    def phase_of(self, kind: str) -> Phase | None:
        return next((p for p in self.phases.all() if p.kind == kind), None)


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    COMMENTING = "commenting", _("Commenting")
    PROPOSALS = "proposals", _("Proposals")
    SURVEY = "survey", _("Survey")
    EVALUATION = "evaluation", _("Evaluation")


class Phase(models.Model):
    """A period of a process. Phases may overlap (comments and proposals at the same time)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=12, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["process", "starts_at", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="participation_phase_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["process", "kind"], name="participation_phase_kind_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.get_kind_display()}"
