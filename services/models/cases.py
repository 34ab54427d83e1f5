"""Serviceportal data: cases with their events, messages, drafts, files and the access log."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Department
from portal.workdays import working_days_between
from services.models.catalogue import FormVersion, Service


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the applicant")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING)
CLOSED_STATUSES = (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """The one rule of who sees which case.

        A citizen sees their own cases; a case worker sees the cases of their departments;
        superusers see all. Everyone else sees none.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_staff:
            return self.filter(department__in=user.departments.all())
        return self.filter(applicant=user)

    def of_applicant(self, user) -> CaseQuerySet:
        """The cases ``user`` filed themselves: "Meine Anträge", for every account.

        Separate from ``visible_to`` on purpose: a case worker who applies for something is an
        applicant like anyone else here, whatever their department, while ``visible_to`` stays
        the office's view (which never shows staff their own case unless it is their department's).
        """
        if not user.is_authenticated:
            return self.none()
        return self.filter(applicant=user)

    def overdue(self) -> CaseQuerySet:
        """Open cases past their deadline. While a case waits for the applicant its clock rests
        (``paused_since``): it is overdue only if the deadline had passed before the pause."""
        running = Q(paused_since__isnull=True, due_date__lt=timezone.localdate())
        missed_before_pause = Q(paused_since__isnull=False, due_date__lt=F("paused_since"))
        return self.filter(running | missed_before_pause, status__in=OPEN_STATUSES)


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="cases", verbose_name=_("service")
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="cases", verbose_name=_("form version")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cases", verbose_name=_("department")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("applicant account"),
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_email = models.EmailField(_("applicant's e-mail"))
    language = models.CharField(_("language"), max_length=8, default="de")
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    due_date = models.DateField(
        _("deadline"),
        help_text=_(
            "The processing time in working days after submission, moved on by the working "
            "days the case waited for the applicant."
        ),
    )
    # The clock rests while the case waits for the applicant: the day the wait began, and
    # the working days of all finished waits (already added to ``due_date``).
    paused_since = models.DateField(_("deadline paused since"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(
        _("working days waited for the applicant"), default=0
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/", blank=True)
    access_token_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["applicant", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("services:case_detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def is_overdue(self) -> bool:
        """The same rule as ``CaseQuerySet.overdue``."""
        if not self.is_open:
            return False
        if self.paused_since is not None:
            return self.due_date < self.paused_since
        return self.due_date < timezone.localdate()

    @property
    def remaining_working_days(self) -> int | None:
        """While the clock rests: the working days left once the applicant has answered."""
        if self.paused_since is None:
            return None
        return max(working_days_between(self.paused_since, self.due_date), 0)

    @property
    def retention_due(self) -> datetime | None:
        if self.closed_at is None:
            return None
        return self.closed_at + timedelta(days=self.service.retention_days)


class ReferenceCounter(models.Model):
    """Per-year sequence for case references (CR-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Internal note")
    MESSAGE = "message", _("Message")
    DOCUMENTS_REQUESTED = "documents_requested", _("Documents requested")
    DOCUMENTS_SUPPLIED = "documents_supplied", _("Documents supplied")
    ANONYMISED = "anonymised", _("Personal data anonymised")
    PUBLIC_NOTE = "public_note", _("Public note changed")
    PHOTO_RELEASED = "photo_released", _("Photo released")
    DUPLICATE = "duplicate", _("Marked as duplicate")
    PUBLISHED = "published", _("E-mail address confirmed, published")


class CaseEvent(models.Model):
    """Every change of a case: who, when, from, to, note. Internal ones never reach citizens."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("visible to the applicant"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="note") | Q(public=False), name="services_event_notes_internal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"


class Message(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_office = models.BooleanField(_("from the office"), default=False)
    body = models.TextField(_("message"), max_length=5000)
    requests_documents = models.BooleanField(_("asks for missing documents"), default=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.case}: {self.created_at:%Y-%m-%d %H:%M}"


class Draft(models.Model):
    """An application in progress. Saved on every step; resumable by its owner or a mailed link."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="drafts")
    form_version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
    )
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict)
    step = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    link_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"{self.service} ({self.updated_at:%Y-%m-%d})"


def _attachment_path(instance, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file of a draft, a case or a message. Stored outside the web root under a random name."""

    draft = models.ForeignKey(
        Draft, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    field_key = models.SlugField(max_length=50, blank=True)
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(
        _("released for the public"),
        null=True,
        blank=True,
        help_text=_("Photos of defect reports become public only after staff release them."),
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class AccessAction(models.TextChoices):
    VIEW_CASE = "view_case", _("Opened the case")
    VIEW_ATTACHMENT = "view_attachment", _("Opened an attachment")
    VIEW_RECEIPT = "view_receipt", _("Opened the receipt")
    EXPORT = "export", _("Exported cases")


class AccessLog(models.Model):
    """Every staff read of personal data (case, attachment, receipt). Only administrators see it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.reference}"
