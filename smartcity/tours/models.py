"""City tours: a tour is an ordered walk of stops along a route.

What can be computed is never typed in: the route's distance, the walking time (from the
walking speed plus the time at the stops) and the elevation gain come from the route
(``services.route_compute``) and are stored so lists and the API read them without work.
The route is a GPX track imported in the admin, or straight lines between the stops.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The project of the concept's portfolio that the tours belong to (a loose reference by slug,
# no foreign key across apps; ``participation.selectors`` answers for it).
CAS_APP_PROJECT = "cas-app"
SHORT_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read off a sign


def short_code_new() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(6))


class Theme(models.Model):
    """What a tour is about: history, industrial heritage, nature ("im Grünen"), ..."""

    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("tour theme")
        verbose_name_plural = _("tour themes")

    def __str__(self) -> str:
        return self.name


class TourStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class RouteSource(models.TextChoices):
    STOPS = "stops", _("Straight lines between the stops")
    GPX = "gpx", _("Imported GPX track")


class Surface(models.TextChoices):
    PAVED = "paved", _("Paved throughout")
    MOSTLY_PAVED = "mostly_paved", _("Mostly paved, some cobblestones or gravel")
    GRAVEL = "gravel", _("Gravel or compacted paths")
    UNPAVED = "unpaved", _("Unpaved paths")


class Tour(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(
        _("description (Markdown)"), blank=True, help_text=_("Formatting: Markdown, sanitised.")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="tours", verbose_name=_("themes")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TourStatus.choices, default=TourStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    start_name = models.CharField(
        _("start point"), max_length=200, help_text=_("Where the tour begins, e.g. “Marktplatz”.")
    )
    start_latitude = models.DecimalField(_("start latitude"), max_digits=9, decimal_places=6)
    start_longitude = models.DecimalField(_("start longitude"), max_digits=9, decimal_places=6)

    cover_image = models.FileField(_("cover image"), upload_to="tours/covers/", blank=True)
    cover_alt = models.CharField(_("cover image: alternative text"), max_length=300, blank=True)
    cover_credit = models.CharField(_("cover image: credit"), max_length=200, blank=True)
    cover_licence = models.CharField(_("cover image: licence"), max_length=100, blank=True)

    # The concept: the portfolio project (slug) and, optionally, the one goal it serves most.
    project_slug = models.SlugField(_("project"), max_length=80, default=CAS_APP_PROJECT)
    goal_slug = models.SlugField(_("goal of the concept"), max_length=80, blank=True)

    # The route. ``route`` is a list of [longitude, latitude] or [longitude, latitude, elevation]
    # positions (GeoJSON order); empty until computed.
    route_source = models.CharField(
        _("route"), max_length=5, choices=RouteSource.choices, default=RouteSource.STOPS
    )
    route = models.JSONField(_("route positions"), default=list, blank=True, editable=False)
    walking_speed_kmh = models.DecimalField(
        _("walking speed in km/h"),
        max_digits=3,
        decimal_places=1,
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    distance_m = models.PositiveIntegerField(_("distance in metres"), default=0, editable=False)
    duration_min = models.PositiveIntegerField(_("duration in minutes"), default=0, editable=False)
    elevation_gain_m = models.PositiveIntegerField(
        _("elevation gain in metres"), null=True, blank=True, editable=False
    )

    # Accessibility of the way itself.
    step_free = models.BooleanField(_("step-free"), null=True, blank=True)
    wheelchair_suitable = models.BooleanField(_("suitable for wheelchairs"), default=False)
    surface = models.CharField(_("surface"), max_length=14, choices=Surface.choices, blank=True)
    steepest_grade = models.DecimalField(
        _("steepest part in per cent"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    steepest_note = models.CharField(_("where the steepest part is"), max_length=200, blank=True)
    benches = models.CharField(_("benches"), max_length=200, blank=True)
    toilets = models.CharField(_("toilets"), max_length=200, blank=True)
    accessible_variant = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variant_of",
        verbose_name=_("wheelchair-suitable variant"),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["route", "updated_at"])

    class Meta:
        ordering = ["title"]
        verbose_name = _("city tour")
        verbose_name_plural = _("city tours")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_latitude__gte=-90, start_latitude__lte=90)
                & Q(start_longitude__gte=-180, start_longitude__lte=180),
                name="tours_tour_start_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "title"], name="tours_tour_status_title")]

    def __str__(self) -> str:
        return self.title


class Stop(models.Model):
    tour = models.ForeignKey(Tour, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text (Markdown)"), help_text=_("Formatting: Markdown, sanitised."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    radius_m = models.PositiveSmallIntegerField(
        _("trigger radius in metres"),
        default=25,
        validators=[MinValueValidator(5), MaxValueValidator(200)],
        help_text=_("In walking mode the stop opens inside this distance."),
    )
    dwell_min = models.PositiveSmallIntegerField(
        _("time at the stop in minutes"), default=5, validators=[MaxValueValidator(120)]
    )
    # Spoken text: one file per language (modeltranslation), each with its transcript.
    audio = models.FileField(_("audio"), upload_to="tours/audio/", blank=True)
    audio_transcript = models.TextField(_("audio transcript"), blank=True)
    audio_seconds = models.PositiveIntegerField(
        _("audio length in seconds"), null=True, blank=True, editable=False
    )
    # The short URL on the stop's sign and QR code (``/r/<code>``); never changes.
    short_code = models.CharField(
        _("short code"), max_length=12, unique=True, default=short_code_new, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["tour", "position", "pk"]
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="tours_stop_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def clean(self) -> None:
        super().clean()
        for code, _name in settings.LANGUAGES:
            transcript = getattr(self, f"audio_transcript_{code}", None) or ""
            if getattr(self, f"audio_{code}", None) and not transcript.strip():
                raise ValidationError(
                    {f"audio_transcript_{code}": _("An audio file needs its transcript.")}
                )


class StopImage(models.Model):
    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    image = models.FileField(_("image"), upload_to="tours/images/")
    alt_text = models.CharField(_("alternative text"), max_length=300)
    credit = models.CharField(_("credit"), max_length=200)
    licence = models.CharField(_("licence"), max_length=100)

    class Meta:
        ordering = ["stop", "position", "pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text


class TourDailyCount(models.Model):
    """Anonymous counts of tours started and finished per day: no position, no id, no cookie."""

    tour = models.ForeignKey(Tour, on_delete=models.CASCADE, related_name="daily_counts")
    day = models.DateField()
    started = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tour count")
        verbose_name_plural = _("tour counts")
        constraints = [
            models.UniqueConstraint(fields=["tour", "day"], name="tours_count_one_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.tour_id} {self.day}: {self.started}/{self.finished}"
