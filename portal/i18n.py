"""Language handling: which of the portal's languages a request, a user or a text belongs to."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

CONTENT_LANGUAGE = "de"  # what editors and citizens write: service texts, the concept, proposals


def language_normalise(language: str | None) -> str:
    """One of the portal's language codes (``de``, ``en``) for any language tag.

    ``en-GB`` and ``EN`` become ``en``; an unknown or empty tag falls back to German.
    """
    code = (language or "").strip().lower().replace("_", "-").split("-", 1)[0]
    available = {code for code, _name in settings.LANGUAGES}
    return code if code in available else settings.LANGUAGE_CODE


def language_current() -> str:
    """The normalised language of the running request or task."""
    return language_normalise(translation.get_language())


def localised(german: str, english: str, *, language: str | None = None) -> str:
    """A text in the given (or current) language: the English variant if wanted and present,
    otherwise the German original."""
    lang = language_normalise(language) if language is not None else language_current()
    return english if lang == "en" and english else german
