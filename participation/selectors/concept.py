"""The concept document: its versions, chapters, goals, search and the diff between versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from participation.models import (
    Comment,
    CommentStatus,
    ConceptDocument,
    DocumentVersion,
    Section,
    StrategicGoal,
)
from portal.text import render_markdown


def concept_document() -> ConceptDocument | None:
    return ConceptDocument.objects.order_by("pk").first()


def versions(*, document: ConceptDocument) -> list[DocumentVersion]:
    return list(document.versions.select_related("published_by").order_by("-number"))


@dataclass
class Chapter:
    number: int
    title: str
    sections: list = field(default_factory=list)


def chapters_of(sections) -> list[Chapter]:
    chapters: list[Chapter] = []
    for section in sections:
        if not chapters or chapters[-1].number != section.chapter:
            chapters.append(Chapter(section.chapter, section.chapter_title))
        section.html = render_markdown(section.body)
        chapters[-1].sections.append(section)
    return chapters


def reading_context(*, version: DocumentVersion) -> dict:
    """The document as the council reads it: chapters, numbered sections, version and date."""
    sections = version.sections.select_related("field_of_action").order_by("chapter", "number")
    return {
        "document": version.document,
        "version": version,
        "chapters": chapters_of(sections),
    }


def concept_goals(*, document: ConceptDocument, chapters: list[Chapter]) -> list[dict]:
    """The document's fields of action with their goals and the section (of the chapters being
    read) that describes each field, in the concept's order (two queries). Each such section
    gets ``goals``, so the reading pages list a field's goals under its text."""
    sections: dict[int, Section] = {}
    for chapter in chapters:
        for s in chapter.sections:
            s.goals = []
            if s.field_of_action_id and s.field_of_action_id not in sections:
                sections[s.field_of_action_id] = s
    fields = document.fields_of_action.prefetch_related(
        Prefetch("goals", queryset=StrategicGoal.objects.order_by("code"))
    ).order_by("order")
    result = []
    for f in fields:
        goals = list(f.goals.all())
        section = sections.get(f.pk)
        if section is not None:
            section.goals = goals
        if goals:
            result.append({"field": f, "goals": goals, "section": section})
    return result


def goal_sections(*, goal: StrategicGoal) -> list[Section]:
    """The sections of the current version a goal comes from: those of its field of action."""
    document = concept_document()
    if document is None:
        return []
    version = document.versions.order_by("-number").first()
    if version is None:
        return []
    sections = version.sections.filter(field_of_action=goal.field_id)
    return list(sections.order_by("chapter", "number"))


def decision_history(*, document: ConceptDocument) -> list[dict]:
    """Every version, newest first, with the decision that adopted it and the version before it
    (for the link to the comparison)."""
    rows = versions(document=document)
    return [
        {"version": v, "previous": rows[i + 1] if i + 1 < len(rows) else None}
        for i, v in enumerate(rows)
    ]


def comment_counts(*, document: ConceptDocument) -> dict[str, int]:
    """Visible comments per section key, over all versions (one query)."""
    rows = (
        Comment.objects.filter(
            section__isnull=False, section__document=document, status=CommentStatus.VISIBLE
        )
        .values("section__key")
        .annotate(n=Count("pk"))
    )
    return {row["section__key"]: row["n"] for row in rows}


def search(*, version: DocumentVersion, query: str) -> list[Section]:
    """Full-text search in a published version: PostgreSQL's German configuration (stemming,
    ranking) on PostgreSQL, a case-insensitive match of every word elsewhere."""
    sections = version.sections.all()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="german") + SearchVector(
            "body", weight="B", config="german"
        )
        search_query = SearchQuery(query, config="german", search_type="websearch")
        sections = (
            sections.annotate(rank=SearchRank(vector, search_query))
            .filter(rank__gt=0)
            .order_by("-rank", "chapter", "number")
        )
    else:
        for word in query.split():
            sections = sections.filter(Q(title__icontains=word) | Q(body__icontains=word))
        sections = sections.order_by("chapter", "number")
    return list(sections[:50])


# --- Diff ---------------------------------------------------------------------------------------

TOKEN = re.compile(r"\s+|[^\s]+")


def _word_diff(old: str, new: str) -> SafeString:
    """Word-level diff as escaped text with <ins> and <del> (their labels are in the template's
    CSS and visually hidden text, so the marks read without colour)."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(_mark("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(_mark("ins", "".join(b[j1:j2])))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped


def _mark(tag: str, text: str) -> str:
    from django.utils.translation import gettext as _

    label = _("inserted:") if tag == "ins" else _("deleted:")
    end = _("end of insertion") if tag == "ins" else _("end of deletion")
    return (
        f'<{tag}><span class="kern-sr-only">[{escape(label)}] </span>{escape(text)}'
        f'<span class="kern-sr-only"> [{escape(end)}]</span></{tag}>'
    )


@dataclass
class SectionDiff:
    key: str
    state: str  # added, removed, changed, unchanged
    old: Section | None
    new: Section | None
    title: SafeString | str = ""
    body: SafeString | str = ""


def version_diff(*, old: DocumentVersion, new: DocumentVersion) -> list[SectionDiff]:
    """Section by section (matched by key), in the new version's order; removed sections
    appear where they were."""
    old_sections = list(old.sections.order_by("chapter", "number"))
    new_sections = list(new.sections.order_by("chapter", "number"))
    old_by_key = {s.key: s for s in old_sections}
    new_keys = {s.key for s in new_sections}
    result: list[SectionDiff] = []
    removed = [s for s in old_sections if s.key not in new_keys]
    for section in new_sections:
        while removed and (removed[0].chapter, removed[0].number) <= (
            section.chapter,
            section.number,
        ):
            gone = removed.pop(0)
            result.append(SectionDiff(gone.key, "removed", gone, None, gone.title, gone.body))
        before = old_by_key.get(section.key)
        if before is None:
            result.append(
                SectionDiff(section.key, "added", None, section, section.title, section.body)
            )
            continue
        same = before.title == section.title and before.body == section.body
        result.append(
            SectionDiff(
                section.key,
                "unchanged" if same else "changed",
                before,
                section,
                _word_diff(before.title, section.title),
                _word_diff(before.body, section.body),
            )
        )
    for gone in removed:
        result.append(SectionDiff(gone.key, "removed", gone, None, gone.title, gone.body))
    return result
