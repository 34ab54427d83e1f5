"""The portfolio of digitalisation projects: status, milestones, updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.concept import FieldOfAction, StrategicGoal
from participation.models.proposals import Proposal

if TYPE_CHECKING:
    from django.utils.safestring import SafeString


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class LiveFigure(models.TextChoices):
    """What a project page can show live from the poles of its group (``smartcity.selectors``)."""

    POLES = "poles", _("Poles in service")
    WIFI = "wifi", _("WiFi use today")
    CHARGING = "charging", _("Energy charged this month")
    AIR = "air", _("Latest air values")


def validate_live_figures(value) -> None:
    known = set(LiveFigure.values)
    if not isinstance(value, list) or not all(isinstance(v, str) and v in known for v in value):
        raise ValidationError(
            _("Choose the live figures from: {names}.").format(names=", ".join(LiveFigure.values))
        )


class Project(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("field of action"),
    )
    goals = models.ManyToManyField(
        StrategicGoal, blank=True, related_name="projects", verbose_name=_("goals served")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress in per cent"), default=0)
    responsible_office = models.CharField(_("responsible office"), max_length=200)
    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project",
        verbose_name=_("from proposal"),
    )
    # A loose reference to the smart-city pole group the project built (its slug), not a
    # foreign key across apps: the page asks ``smartcity.selectors`` for the group's figures.
    pole_group = models.SlugField(
        _("pole group"),
        max_length=60,
        blank=True,
        help_text=_("The short name of the pole group (Smart City) whose live figures it shows."),
    )
    live_figures = models.JSONField(
        _("live figures"),
        default=list,
        blank=True,
        help_text=_("Which figures of the pole group the project page shows."),
        validators=[validate_live_figures],
    )

    class Meta:
        ordering = ["field_of_action__order", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="participation_project_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:project", args=[self.slug])


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due"))
    done = models.BooleanField(_("reached"), default=False)

    class Meta:
        ordering = ["project", "due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProjectUpdate(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="updates", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    # The rendered body, set for display by the project view, not stored.
    html: SafeString

    class Meta:
        ordering = ["project", "-published_at", "-pk"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")

    def __str__(self) -> str:
        return self.title
