"""News (Meldungen): written by public relations, published at a time that may lie ahead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from participation.models import FieldOfAction, Process, Project, StrategicGoal


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None) -> ArticleQuerySet:
        """Visible to the public: marked ready and its publication time reached."""
        return self.filter(is_ready=True, publish_at__lte=now or timezone.now())


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    teaser = models.CharField(_("teaser"), max_length=400)
    body = models.TextField(_("text (Markdown)"), help_text=_("Formatting: Markdown, sanitised."))
    image = models.FileField(_("image"), upload_to="news/", blank=True)
    image_alt = models.CharField(_("image: alternative text"), max_length=300, blank=True)
    image_credit = models.CharField(_("image: credit"), max_length=200, blank=True)

    # Scheduling: an article is public once it is ready and its time has come. Alerts go out
    # for it after that moment (never before), exactly once.
    is_ready = models.BooleanField(
        _("ready to publish"),
        default=False,
        help_text=_("Published at the publication time; until then only editors see it."),
    )
    publish_at = models.DateTimeField(_("publication time"), default=timezone.now, db_index=True)

    fields_of_action = models.ManyToManyField(
        FieldOfAction, blank=True, related_name="articles", verbose_name=_("fields of action")
    )
    projects = models.ManyToManyField(
        Project, blank=True, related_name="articles", verbose_name=_("projects")
    )
    processes = models.ManyToManyField(
        Process, blank=True, related_name="articles", verbose_name=_("participation processes")
    )
    goals = models.ManyToManyField(
        StrategicGoal, blank=True, related_name="articles", verbose_name=_("goals")
    )
    # City tours live in Smart City: a loose reference by their short names, no foreign key
    # across apps (``smartcity.selectors`` answers for them).
    tour_slugs = models.JSONField(_("city tours"), default=list, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        indexes = [
            models.Index(
                fields=["-publish_at", "-id"],
                condition=Q(is_ready=True),
                name="news_article_published",
            )
        ]

    def __str__(self) -> str:
        return self.title
