"""Surveys, their questions, e-mailed invitations and the responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from participation.models.processes import Process

USER = settings.AUTH_USER_MODEL


class Survey(models.Model):
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    by_token = models.BooleanField(
        _("anonymous with e-mailed tokens"),
        default=False,
        help_text=_("Also accept one answer per invitation link sent by e-mail."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:survey", args=[self.pk])


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")
    SCALE = "scale", _("Scale from 1 to 5")


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "One per line. The English options go on the same lines of the English field; "
            "answers store the German option."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        """The options as stored in answers: the German ones (``choices_de``)."""
        return _lines(getattr(self, "choices_de", None) or self.choices)

    @property
    def choice_labels(self) -> list[tuple[str, str]]:
        """(stored option, label in the active language): the English option on the same
        line of ``choices_en``, or the German one where that is missing."""
        shown = _lines(self.choices)
        stored = self.choice_list
        if len(shown) != len(stored):
            shown = stored
        return list(zip(stored, shown, strict=True))


def _lines(text: str) -> list[str]:
    return [c.strip() for c in text.splitlines() if c.strip()]


class SurveyInvitation(models.Model):
    """An e-mailed token for an anonymous answer. Only the hash is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.created_at:%Y-%m-%d}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Kept anonymised when the account is deleted, so results stay as they were published.
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="participation_one_response_per_account",
            ),
            models.UniqueConstraint(
                fields=["survey", "token_hash"],
                condition=~Q(token_hash=""),
                name="participation_one_response_per_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="participation_one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.question_id}"
