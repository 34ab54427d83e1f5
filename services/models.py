"""Serviceportal data: catalogue, versioned forms, cases with their events, files, messages."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Department


class LoginLevel(models.TextChoices):
    ANONYMOUS = "anonymous", _("No account needed")
    ACCOUNT = "account", _("Portal account")


class ServiceCategory(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service of the city (Verwaltungsleistung), described as in the FIM/LeiKa catalogue."""

    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("category"),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"))
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    required_documents = models.TextField(_("required documents"), blank=True)
    fees = models.CharField(_("fees"), max_length=300, blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("processing time in days"),
        default=14,
        help_text=_("The deadline of a new case is this many days after submission."),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="services", verbose_name=_("department")
    )
    leika_key = models.CharField(
        _("LeiKa key"),
        max_length=14,
        blank=True,
        help_text=_("14-digit key of the LeiKa catalogue."),
    )
    login_level = models.CharField(
        _("login required"), max_length=12, choices=LoginLevel.choices, default=LoginLevel.ACCOUNT
    )
    is_online = models.BooleanField(
        _("can be applied for online"),
        default=True,
        help_text=_("Only services with a published form can be applied for online."),
    )
    retention_days = models.PositiveIntegerField(
        _("retention period in days"),
        default=365 * 3,
        help_text=_("Personal data of a closed case is anonymised this many days after closing."),
    )
    search_terms = models.CharField(
        _("search terms"), max_length=300, blank=True, help_text=_("Synonyms citizens search for.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(leika_key="") | Q(leika_key__regex=r"^[0-9]{14}$"),
                name="services_service_leika_key_14_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:detail", args=[self.slug])

    @property
    def current_form(self) -> FormVersion | None:
        return self.form_versions.order_by("-number").first()

    @property
    def accepts_anonymous(self) -> bool:
        return self.login_level == LoginLevel.ANONYMOUS


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    CHOICE = "choice", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    CHECKBOX = "checkbox", _("Checkbox")
    ADDRESS = "address", _("Address")
    FILE = "file", _("File")


class FormStep(models.Model):
    """A step of a service's form as staff edit it. Filing uses the published FormVersion."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="form_steps", verbose_name=_("service")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)

    class Meta:
        ordering = ["service", "order", "pk"]
        verbose_name = _("form step")
        verbose_name_plural = _("form steps")

    def __str__(self) -> str:
        return f"{self.service}: {self.title}"


class FormField(models.Model):
    step = models.ForeignKey(
        FormStep, on_delete=models.CASCADE, related_name="fields", verbose_name=_("step")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("Unique within the form; used in exports and the API.")
    )
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=12, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    help_text_en = models.CharField(_("help text (English)"), max_length=300, blank=True)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("One per line as value|German label|English label."),
    )
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        blank=True,
        help_text=_("Regular expression the answer must match."),
    )
    pattern_message = models.CharField(
        _("message if the pattern does not match"), max_length=200, blank=True
    )
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    allowed_file_types = models.CharField(
        _("allowed file types"),
        max_length=60,
        blank=True,
        default="pdf,jpeg,png",
        help_text=_("Comma-separated: pdf, jpeg, png."),
    )
    max_file_mb = models.PositiveSmallIntegerField(_("maximum file size in MB"), default=10)
    show_if_field = models.SlugField(
        _("show only if field"), max_length=50, blank=True, help_text=_("Key of another field.")
    )
    show_if_value = models.CharField(_("has the value"), max_length=200, blank=True)

    class Meta:
        ordering = ["step", "order", "pk"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.CheckConstraint(
                condition=Q(show_if_field="") | ~Q(show_if_value=""),
                name="services_formfield_condition_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class FormVersion(models.Model):
    """An immutable snapshot of a service's form. A case keeps the version it was filed with."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="form_versions", verbose_name=_("service")
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    schema = models.JSONField(_("form definition"))

    class Meta:
        ordering = ["service", "-number"]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "number"], name="services_formversion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.number}"

    @property
    def steps(self) -> list[dict]:
        return self.schema["steps"]

    @property
    def fields(self) -> list[dict]:
        return [field for step in self.steps for field in step["fields"]]


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

    def overdue(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())


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
    due_date = models.DateField(_("deadline"))
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
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def retention_due(self):
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
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

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


# --- Mängelmelder (defect reporter) ----------------------------------------------------------

DEFECT_SERVICE_SLUG = "maengelmelder"


class DefectCategory(models.TextChoices):
    ROAD = "road", _("Road damage")
    LIGHT = "light", _("Street light out")
    DUMPING = "dumping", _("Illegal dumping")
    GREEN = "green", _("Green space")
    SIGN = "sign", _("Traffic sign")
    PLAYGROUND = "playground", _("Playground")
    OTHER = "other", _("Other")


class DefectRoute(models.Model):
    """Which department handles which kind of defect."""

    category = models.CharField(
        _("category"), max_length=12, choices=DefectCategory.choices, unique=True
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )

    class Meta:
        ordering = ["category"]
        verbose_name = _("defect routing")
        verbose_name_plural = _("defect routing")

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.department}"


class DefectReport(models.Model):
    """The public side of a Mängelmelder case: what, where, and the city's public note.

    Personal data (name, e-mail) stays on the case and is never shown publicly.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="defect")
    category = models.CharField(_("category"), max_length=12, choices=DefectCategory.choices)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000)
    public_note = models.CharField(_("public status note"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    reopen_requested_at = models.DateTimeField(_("reopening requested"), null=True, blank=True)
    open311_token = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["-case__submitted_at"]
        verbose_name = _("defect report")
        verbose_name_plural = _("defect reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="services_defect_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=~Q(address="") | Q(latitude__isnull=False),
                name="services_defect_has_a_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("services:defect_detail", args=[self.case.reference])


class DefectFollower(models.Model):
    """Someone who gets an e-mail when the report's status changes."""

    report = models.ForeignKey(DefectReport, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(max_length=8, default="de")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["report", "email"], name="services_follower_unique"),
        ]

    def __str__(self) -> str:
        return self.email


class Open311Key(models.Model):
    """An API key for POSTing requests through Open311. Only its hash is stored."""

    name = models.CharField(_("name"), max_length=120, help_text=_("Who uses this key."))
    prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
