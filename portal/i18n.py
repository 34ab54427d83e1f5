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


def is_fallback(obj: object, field: str, *, language: str | None = None) -> bool:
    """Whether ``obj.<field>`` (a field with language variants, django-modeltranslation) shows
    the German original because its variant in ``language`` (default: current) is empty."""
    lang = language_normalise(language) if language is not None else language_current()
    if lang == CONTENT_LANGUAGE:
        return False
    own = getattr(obj, f"{field}_{lang}", None)
    return not own and bool(getattr(obj, field, ""))


def translations_fill(obj, values: dict[str, str], *, language: str = "en") -> list[str]:
    """Set ``obj.<field>_<language>`` to the given text where it is empty and save those
    columns (the demo data's English texts). Returns the names of the columns it set."""
    changed = [
        f"{field}_{language}"
        for field, value in values.items()
        if value and not getattr(obj, f"{field}_{language}")
    ]
    for name in changed:
        setattr(obj, name, values[name.removesuffix("_" + language)])
    if changed:
        obj.save(update_fields=changed)
    return changed
