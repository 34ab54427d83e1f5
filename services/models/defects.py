"""Serviceportal data: the Mängelmelder (defect reporter) and Open311 API keys."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.models import Department
from services.models.cases import Case, CaseStatus

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

DEFECT_SERVICE_SLUG = "maengelmelder"
REOPEN_DAYS = 30  # the reporter may say "not fixed" this long after closing

# A defect report is a case, but its statuses mean something else to a citizen: the street
# light is "fixed", not "approved". These words are used wherever a defect's status is shown.
DEFECT_STATUS_LABELS: dict[str, _StrPromise] = {
    CaseStatus.RECEIVED: pgettext_lazy("defect status", "Received"),
    CaseStatus.IN_PROGRESS: pgettext_lazy("defect status", "In progress"),
    CaseStatus.WAITING: pgettext_lazy("defect status", "Waiting for information"),
    CaseStatus.APPROVED: pgettext_lazy("defect status", "Fixed"),
    CaseStatus.REJECTED: pgettext_lazy("defect status", "Not a defect"),
    CaseStatus.WITHDRAWN: pgettext_lazy("defect status", "Withdrawn"),
}
DEFECT_DUPLICATE_LABEL = pgettext_lazy("defect status", "Already reported")


def defect_status_label(status: str, *, duplicate: bool = False) -> str:
    """The word for a defect's status (``duplicate``: closed as a duplicate of another)."""
    if duplicate and status == CaseStatus.REJECTED:
        return str(DEFECT_DUPLICATE_LABEL)
    label = DEFECT_STATUS_LABELS.get(status)
    return str(label) if label is not None else str(CaseStatus(status).label)


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
    history = HistoricalRecords()

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
    # A report whose e-mail address nobody has verified is stored, and routed to its office,
    # but shown nowhere public until the reporter opens the link of its e-mail (double
    # opt-in). ``confirmation_hash`` is the hash of that link's secret; it stays after the
    # confirmation so that a second click can say "already confirmed".
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    confirmation_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

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

    @property
    def reopenable(self) -> bool:
        """Whether the reporter may say "not fixed" now: a fixed or refused report (not a
        duplicate), closed at most ``REOPEN_DAYS`` ago, and not reopened since that closing."""
        case = self.case
        if case.status not in (CaseStatus.APPROVED, CaseStatus.REJECTED) or self.duplicate_of_id:
            return False
        if case.closed_at is None or timezone.now() - case.closed_at > timedelta(days=REOPEN_DAYS):
            return False
        return self.reopen_requested_at is None or self.reopen_requested_at < case.closed_at

    @property
    def reopened(self) -> bool:
        """Open again because the reporter said "not fixed"."""
        return self.reopen_requested_at is not None and self.case.is_open

    @property
    def status_label(self) -> str:
        return defect_status_label(self.case.status, duplicate=self.duplicate_of_id is not None)


class DefectFollower(models.Model):
    """Someone who gets an e-mail when the report's status changes, once they confirmed.

    An address given on the public page is unverified: it gets one e-mail with a link
    (``token_hash`` is the hash of its secret), and only a follower with ``confirmed_at``
    hears of status changes. Unconfirmed followers are deleted after a few days.
    """

    report = models.ForeignKey(DefectReport, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(max_length=8, default="de")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

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
    history = HistoricalRecords(excluded_fields=["key_hash"])  # never the hash

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
