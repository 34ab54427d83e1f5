"""Serviceportal data: the catalogue and its versioned forms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Department
from portal.roles import is_staff_member


class LoginLevel(models.TextChoices):
    ANONYMOUS = "anonymous", _("No account needed")
    ACCOUNT = "account", _("Portal account")


class ServiceCategory(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> ServiceQuerySet:
        """Citizens see published services only; staff see every service (offline ones too)."""
        if is_staff_member(user):
            return self
        return self.filter(is_published=True)


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
        _("processing time in working days"),
        default=14,
        help_text=_(
            "The deadline of a new case is this many working days (Monday to Friday without "
            "the public holidays of NRW) after submission. It rests while the case waits for "
            "the applicant."
        ),
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
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_(
            "Untick to take the service offline: citizens no longer find it in the catalogue or "
            "its search, its page says that it is offline and nobody can start an application. "
            "Staff still see it; filed cases are not affected."
        ),
    )
    retention_days = models.PositiveIntegerField(
        _("retention period in days"),
        default=365 * 3,
        help_text=_("Personal data of a closed case is anonymised this many days after closing."),
    )
    search_terms = models.CharField(
        _("search terms"), max_length=300, blank=True, help_text=_("Synonyms citizens search for.")
    )
    history = HistoricalRecords()

    objects = ServiceQuerySet.as_manager()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
