"""The concept as a versioned document: fields of action, goals, documents, versions, sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

USER = settings.AUTH_USER_MODEL


class FieldOfAction(models.Model):
    """One of the six fields of action (Handlungsfelder) of the concept."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        # The name in the active language (participation/translation.py), German if none.
        return self.name


class StrategicGoal(models.Model):
    field = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("field of action"),
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    code = models.CharField(_("number"), max_length=10, help_text=_("For example 1.2"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["field__order", "code"]
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("participation:goal", args=[self.slug])

    @property
    def label(self) -> str:
        return self.title


class ConceptDocument(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    fields_of_action = models.ManyToManyField(
        FieldOfAction, blank=True, related_name="documents", verbose_name=_("fields of action")
    )
    draft_change_note = models.TextField(
        _("change note for the next version"),
        blank=True,
        help_text=_("What changed in the draft. Publishing uses it as the version's change note."),
    )

    class Meta:
        verbose_name = _("concept document")
        verbose_name_plural = _("concept documents")

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """An immutable published state of a document. Only ``document_publish`` creates one."""

    document = models.ForeignKey(ConceptDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    change_note = models.TextField(_("change note"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(_("PDF"), upload_to="participation/pdf/", blank=True)
    # The decision that adopted this version (recorded after publishing, shown in its history).
    decided_by = models.CharField(
        _("decided by"), max_length=200, blank=True, help_text=_("For example: Rat der Stadt")
    )
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=60,
        blank=True,
        help_text=_("The number of the council decision, for example 2026/0417"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="participation_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("participation:concept_version", args=[self.number])


class Section(models.Model):
    """A numbered section. Draft sections have no version; published ones are copies."""

    document = models.ForeignKey(ConceptDocument, on_delete=models.CASCADE, related_name="sections")
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("version"),
        help_text=_("Empty for the draft that editors work on."),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("Stays the same across versions, so versions can be compared."),
    )
    chapter = models.PositiveSmallIntegerField(_("chapter"))
    chapter_title = models.CharField(_("chapter title"), max_length=200)
    number = models.PositiveSmallIntegerField(_("section number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("field of action"),
    )

    # Set for display by the reading views, not stored: the rendered body and the number of
    # visible comments on the section.
    html: SafeString
    comment_count: int
    goals: list[StrategicGoal]

    class Meta:
        ordering = ["chapter", "number", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"],
                condition=Q(version__isnull=False),
                name="participation_section_key_per_version",
            ),
            models.UniqueConstraint(
                fields=["document", "key"],
                condition=Q(version__isnull=True),
                name="participation_section_key_per_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chapter}.{self.number} {self.title}"

    @property
    def numbering(self) -> str:
        return f"{self.chapter}.{self.number}"
