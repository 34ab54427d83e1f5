"""Participation processes and their phases."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from participation.models.concept import ConceptDocument


class Moderation(models.TextChoices):
    PRE = "pre", _("Pre-moderation: comments appear after approval")
    POST = "post", _("Post-moderation: comments appear at once")


class ProcessState(models.TextChoices):
    """Where a process stands, from its phases (not stored)."""

    RUNNING = "running", _("Running")
    UPCOMING = "upcoming", _("Upcoming")
    FINISHED = "finished", _("Finished")


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

    def get_absolute_url(self) -> str:
        return reverse("participation:process", args=[self.slug])

    def active_kinds(self, now) -> set[str]:
        """The kinds of the phases running at ``now`` (uses prefetched phases)."""
        return {p.kind for p in self.running_phases(now)}

    def running_phases(self, now) -> list[Phase]:
        """The phases running at ``now`` (uses prefetched phases)."""
        return [p for p in self.phases.all() if p.starts_at <= now < p.ends_at]

    def state(self, now) -> str:
        """``running``, ``upcoming`` or ``finished`` (uses prefetched phases); a process without
        phases is upcoming."""
        phases = list(self.phases.all())
        if any(p.starts_at <= now < p.ends_at for p in phases):
            return ProcessState.RUNNING
        if not phases or any(p.starts_at > now for p in phases):
            return ProcessState.UPCOMING
        return ProcessState.FINISHED

    def phase_of(self, kind: str) -> Phase | None:
        return next((p for p in self.phases.all() if p.kind == kind), None)


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    COMMENTING = "commenting", _("Commenting")
    PROPOSALS = "proposals", _("Proposals")
    SURVEY = "survey", _("Survey")
    EVALUATION = "evaluation", _("Evaluation")


class PhaseAction(models.TextChoices):
    """What a participant does; each phase says which roles may do it (``Phase.permissions``)."""

    COMMENT = "comment", _("Comment and reply")
    REACT = "react", _("Agree with comments")
    PROPOSE = "propose", _("Submit proposals")
    SUPPORT = "support", _("Support proposals")
    ANSWER_SURVEY = "answer_survey", _("Answer surveys")


class PhaseRole(models.TextChoices):
    """Who may be granted an action. Every action needs an account (one support, one answer per
    account), so visitors without one are not offered; a person holds every role that fits."""

    REGISTERED = "registered", _("Registered users (any account)")
    VERIFIED = "verified", _("Verified users (confirmed e-mail address)")
    COUNCIL_MEMBER = "council_member", _("Council members")
    MODERATOR = "moderator", _("Moderators")


_V = [PhaseRole.VERIFIED.value]
# The rules before permissions were configurable, and still the default of a new phase:
# verified accounts comment, agree and support while the commenting or the proposal phase runs,
# propose in the proposal phase and answer surveys in the survey phase.
DEFAULT_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "information": {},
    "commenting": {"comment": _V, "react": _V, "support": _V},
    "proposals": {"comment": _V, "react": _V, "support": _V, "propose": _V},
    "survey": {"answer_survey": _V},
    "evaluation": {},
}


def default_permissions(kind: str) -> dict[str, list[str]]:
    """Every action of a phase of ``kind`` with the roles granted it by default."""
    defaults = DEFAULT_PERMISSIONS.get(kind, {})
    return {action.value: list(defaults.get(action.value, [])) for action in PhaseAction}


class Phase(models.Model):
    """A period of a process. Phases may overlap (comments and proposals at the same time).

    ``permissions`` maps an action (``PhaseAction``) to the roles (``PhaseRole``) that may do it
    while the phase runs; an action missing from it has its default for the phase's kind, so a
    phase created without permissions follows the rules of its kind."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=12, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    permissions = models.JSONField(
        _("permissions"),
        default=dict,
        blank=True,
        help_text=_("Which roles may do what while this phase runs."),
    )
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

    def granted(self, action: str) -> set[str]:
        """The roles that may do ``action`` while this phase runs."""
        if action in self.permissions:
            return set(self.permissions[action])
        return set(DEFAULT_PERMISSIONS.get(self.kind, {}).get(action, []))

    def effective_permissions(self) -> dict[str, list[str]]:
        """Every action with its granted roles, in the order of ``PhaseRole``."""
        return {
            action.value: [r.value for r in PhaseRole if r.value in self.granted(action.value)]
            for action in PhaseAction
        }

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.permissions, dict):
            raise ValidationError({"permissions": _("The permissions must be a mapping.")})
        actions, roles = set(PhaseAction.values), set(PhaseRole.values)
        for action, granted in self.permissions.items():
            if action not in actions or not isinstance(granted, list) or not set(granted) <= roles:
                raise ValidationError(
                    {
                        "permissions": _("Unknown action or role in the permissions: {a}.").format(
                            a=action
                        )
                    }
                )
