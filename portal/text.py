"""Free text: keep only characters every output format can carry; editors' Markdown, sanitised.

A description may arrive with control characters (valid UTF-8, but not allowed in XML 1.0):
stored, they would make every XML feed that shows them (Open311's ``requests.xml``) unreadable
for all its clients. ``clean_text`` removes them where text enters and again where XML is
written, so a value stored before this check cannot break a feed either.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from django import forms
from django.utils.safestring import SafeString, mark_safe

# Everything outside XML 1.0's Char production (tab, newline and carriage return stay):
# C0 controls, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry (tab, newline, CR are kept)."""
    return _NOT_XML_CHAR.sub("", value)


class CleanCharField(forms.CharField):
    """A CharField whose value is passed through ``clean_text`` after Django's own checks
    (which refuse NUL with a message)."""

    def clean(self, value):
        cleaned = super().clean(value)
        if not isinstance(cleaned, str):
            return cleaned
        cleaned = clean_text(cleaned).strip() if self.strip else clean_text(cleaned)
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return cleaned


ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "abbr",
}  # fmt: skip


@lru_cache(maxsize=1024)
def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, sanitised with nh3: no scripts, no styles, no event handlers.

    Cached by the text itself: published texts rarely change, so a page renders each one
    once per process. The concept, project updates, tours and news all use it."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"}}
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
