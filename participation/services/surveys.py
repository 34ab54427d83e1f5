"""Surveys: answering (with an account or an e-mailed token) and inviting by e-mail."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import rules
from participation.models import (
    Answer,
    PhaseAction,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyInvitation,
)
from participation.services.notifications import survey_invitation_mail
from portal.api import ApplicationError
from portal.tokens import token_generate, token_hash


def _clean_answer(question: Question, raw) -> object:
    """Check one answer; returns the stored value or None for an empty optional answer."""
    empty = raw in (None, "", [])
    if empty:
        if question.required:
            raise ApplicationError(_("Please answer the question “{q}”.").format(q=question.text))
        return None
    if question.kind == QuestionKind.SINGLE:
        if raw not in question.choice_list:
            raise ApplicationError(_("Please choose one of the offered answers."))
        return raw
    if question.kind == QuestionKind.MULTIPLE:
        values = raw if isinstance(raw, list) else [raw]
        if not set(values) <= set(question.choice_list):
            raise ApplicationError(_("Please choose among the offered answers."))
        return [c for c in question.choice_list if c in values]
    if question.kind == QuestionKind.SCALE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ApplicationError(_("Please choose a value from 1 to 5."))
        return value
    text = str(raw).strip()[:2000]
    return text or None


def survey_respond(
    *,
    survey: Survey,
    answers: dict[int, object],
    user=None,
    token: str = "",
    now: datetime | None = None,
) -> Response:
    """Store one response: one per account, or one per e-mailed token (database constraints)."""
    now = now or timezone.now()
    stored_hash = ""
    if token:
        stored_hash = token_hash(token)
        if (
            not survey.by_token
            or not SurveyInvitation.objects.filter(survey=survey, token_hash=stored_hash).exists()
        ):
            raise PermissionDenied
        if not rules.action_open(survey.process, PhaseAction.ANSWER_SURVEY, now):
            raise PermissionDenied
        user = None
    elif not rules.can_answer_survey(user, survey.process, now):
        raise PermissionDenied
    questions = list(survey.questions.all())
    cleaned = {q.pk: _clean_answer(q, answers.get(q.pk)) for q in questions}
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, user=user, token_hash=stored_hash, created_at=now
            )
            Answer.objects.bulk_create(
                Answer(response=response, question_id=pk, value=value)
                for pk, value in cleaned.items()
                if value is not None
            )
    except IntegrityError as exc:
        raise ApplicationError(_("You have already answered this survey.")) from exc
    return response


def survey_invite(*, survey: Survey, email: str, language: str | None = None) -> str:
    """Create an anonymous answer link and e-mail it (in ``language``, German by default).
    Only the token's hash is stored with the invitation."""
    if not survey.by_token:
        raise ApplicationError(_("This survey is answered with an account."))
    token = token_generate()
    with transaction.atomic():
        invitation = SurveyInvitation.objects.create(survey=survey, token_hash=token_hash(token))
        survey_invitation_mail(invitation=invitation, email=email, token=token, language=language)
    return token
