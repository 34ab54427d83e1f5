"""Participation metadata in German and English (modeltranslation; see portal/translation.py).

The council's concept text (sections) stays German only; the English concept page says so.
Survey answers store the German option, the English option on the same line is its label.
"""

from modeltranslation.translator import TranslationOptions, translator

from participation.models import (
    ConceptDocument,
    FieldOfAction,
    Milestone,
    Phase,
    Process,
    Project,
    ProjectUpdate,
    Question,
    StrategicGoal,
    Survey,
)


class FieldOfActionTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}


class TitleDescription(TranslationOptions):
    fields = ("title", "description")


class ConceptDocumentTranslation(TranslationOptions):
    fields = ("title", "summary")


class ProjectTranslation(TranslationOptions):
    fields = ("title", "summary", "description")


class TitleOnly(TranslationOptions):
    fields = ("title",)


class ProjectUpdateTranslation(TranslationOptions):
    fields = ("title", "body")


class PhaseTranslation(TranslationOptions):
    fields = ("description",)


class QuestionTranslation(TranslationOptions):
    fields = ("text", "choices")


_HISTORY = [
    (FieldOfAction, FieldOfActionTranslation),
    (StrategicGoal, TitleDescription),
    (Process, TitleDescription),
    (Phase, PhaseTranslation),
    (Survey, TitleDescription),
    (Question, QuestionTranslation),
]
for model, options in _HISTORY:
    translator.register([model, model.history.model], options)  # type: ignore[attr-defined]
translator.register(ConceptDocument, ConceptDocumentTranslation)
translator.register(Project, ProjectTranslation)
translator.register(Milestone, TitleOnly)
translator.register(ProjectUpdate, ProjectUpdateTranslation)
