"""Reads of the Beteiligungsplattform that pages, PDFs, e-mails and the export share."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import markdown
import nh3
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from participation import rules
from participation.contributions import user_contributions  # noqa: F401 (the portal asks here)
from participation.models import (
    Comment,
    CommentStatus,
    ConceptDocument,
    DocumentVersion,
    FieldOfAction,
    Follow,
    Milestone,
    Process,
    Project,
    ProjectStatus,
    Proposal,
    Section,
    StrategicGoal,
    Survey,
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "abbr",
}  # fmt: skip


@lru_cache(maxsize=1024)
def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, sanitised with nh3: no scripts, no styles, no event handlers.

    Cached by the text itself: published sections never change, so the reading page renders
    each one once per process."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"}}
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


# --- Processes and the document -----------------------------------------------------------------


def current_process() -> Process | None:
    return (
        Process.objects.select_related("document")
        .prefetch_related("phases", "surveys")
        .order_by("-pk")
        .first()
    )


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


# --- Comments -----------------------------------------------------------------------------------


def comment_threads(*, comments, user) -> list[Comment]:
    """Top-level comments with ``thread_replies`` (all levels, in order) for a page.
    One query: visibility, authors and agree counts in it."""
    rows = list(
        comments.visible_to(user, moderator=rules.can_moderate(user))
        .select_related("author", "section__version")
        .annotate(agree_count=Count("reactions", distinct=True))
        .order_by("created_at", "pk")
    )
    by_parent: dict[int | None, list[Comment]] = defaultdict(list)
    for row in rows:
        by_parent[row.parent_id].append(row)
    shown = {row.pk for row in rows}

    def attach(comment: Comment, depth: int) -> None:
        comment.depth = depth
        comment.thread_replies = by_parent.get(comment.pk, [])
        for reply in comment.thread_replies:
            attach(reply, min(depth + 1, 3))

    roots = [r for r in rows if r.parent_id is None or r.parent_id not in shown]
    for root in roots:
        attach(root, 0)
    return roots


def section_comments(*, document: ConceptDocument, key: str, user) -> list[Comment]:
    """The discussion of a section, across all versions of the document."""
    return comment_threads(
        comments=Comment.objects.filter(section__document=document, section__key=key), user=user
    )


def moderation_queue() -> list[Comment]:
    """Pending comments and visible comments with unresolved flags, oldest first."""
    return list(
        Comment.objects.filter(
            Q(status=CommentStatus.PENDING)
            | Q(status=CommentStatus.VISIBLE, flags__resolved_at__isnull=True, flags__isnull=False)
        )
        .distinct()
        .select_related("author", "section", "proposal", "parent")
        .annotate(flag_count=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        .order_by("created_at", "pk")[:200]
    )


# --- Proposals ----------------------------------------------------------------------------------


def proposals_page(*, process: Process, page: str | int | None, field_slug: str = ""):
    """A page of proposals with their visible comment counts: the page by the list index, then
    the counts of just those rows (so a late page costs what the first one does)."""
    proposals = (
        Proposal.objects.filter(process=process)
        .select_related("field_of_action")
        .order_by("-created_at", "-pk")
    )
    if field_slug:
        proposals = proposals.filter(field_of_action__slug=field_slug)
    result = Paginator(proposals, 20).get_page(page)
    rows = list(result.object_list)
    counts = dict(
        Comment.objects.filter(proposal__in=[p.pk for p in rows], status=CommentStatus.VISIBLE)
        .values("proposal")
        .annotate(n=Count("pk"))
        .values_list("proposal", "n")
    )
    for row in rows:
        row.comment_count = counts.get(row.pk, 0)
    result.object_list = rows
    return result


def supported_ids(*, user, proposals) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        user.proposal_supports.filter(proposal__in=[p.pk for p in proposals]).values_list(
            "proposal_id", flat=True
        )
    )


def follows(*, user) -> dict:
    """What the user follows, for the follow buttons (one query)."""
    result: dict[str, set[int | str]] = {"process": set(), "proposal": set(), "section": set()}
    if not user.is_authenticated:
        return result
    for f in Follow.objects.filter(user=user):
        if f.process_id:
            result["process"].add(f.process_id)
        elif f.proposal_id:
            result["proposal"].add(f.proposal_id)
        else:
            result["section"].add(f.section_key)
    return result


# --- Surveys ------------------------------------------------------------------------------------


def survey_results(*, survey: Survey) -> dict:
    """Counts per choice (with percentages) and free-text answers, per question."""
    questions = list(survey.questions.prefetch_related("answers"))
    total = survey.responses.count()
    rows = []
    for q in questions:
        values = [a.value for a in q.answers.all()]
        if q.kind == "text":
            rows.append({"question": q, "texts": values, "bars": []})
            continue
        if q.kind == "scale":
            labels = [str(n) for n in range(1, 6)]
            shown: dict[str, str] = {}
            counts = {label: 0 for label in labels}
            for v in values:
                counts[str(v)] = counts.get(str(v), 0) + 1
        else:
            labels = q.choice_list
            counts = {label: 0 for label in labels}
            for v in values:
                for choice in v if isinstance(v, list) else [v]:
                    counts[choice] = counts.get(choice, 0) + 1
            shown = dict(q.choice_labels)
        answered = len(values)
        bars = [
            {
                "label": shown.get(label, label),
                "count": counts[label],
                "percent": round(100 * counts[label] / answered) if answered else 0,
            }
            for label in labels
        ]
        average = None
        if q.kind == "scale" and values:
            average = round(sum(int(v) for v in values) / len(values), 1)
        rows.append(
            {"question": q, "bars": bars, "answered": answered, "average": average, "texts": []}
        )
    return {"total": total, "questions": rows}


def survey_rows(*, survey: Survey) -> tuple[list[str], list[list]]:
    """Header and rows for the staff CSV export: one row per response, no personal data.
    The values are the stored ones (texts, numbers, times); the CSV writer formats them."""
    questions = list(survey.questions.all())
    header = [gettext("Response"), gettext("Submitted at"), *[q.text for q in questions]]
    lines = []
    for response in survey.responses.prefetch_related("answers").order_by("pk"):
        values = {a.question_id: a.value for a in response.answers.all()}
        line: list = [response.pk, response.created_at]
        for q in questions:
            v = values.get(q.pk, "")
            line.append("; ".join(v) if isinstance(v, list) else v)
        lines.append(line)
    return header, lines


# --- Portfolio ----------------------------------------------------------------------------------


def roadmap() -> list[dict]:
    """Every field of action with its projects grouped by status (two queries)."""
    projects = Project.objects.select_related("field_of_action").prefetch_related("goals")
    by_field: dict[int, dict[str, list[Project]]] = defaultdict(lambda: defaultdict(list))
    for project in projects:
        by_field[project.field_of_action_id][project.status].append(project)
    fields = FieldOfAction.objects.prefetch_related("goals").order_by("order")
    return [
        {
            "field": f,
            "columns": [
                {"status": status, "projects": by_field[f.pk][status.value]}
                for status in ProjectStatus
            ],
        }
        for f in fields
    ]


def goal_projects(*, goal: StrategicGoal) -> list[Project]:
    return list(goal.projects.select_related("field_of_action").order_by("title"))


def project_detail(*, slug: str) -> Project:
    return (
        Project.objects.select_related("field_of_action", "proposal")
        .prefetch_related(
            "goals", Prefetch("milestones", queryset=Milestone.objects.order_by("due_date"))
        )
        .get(slug=slug)
    )


# --- Personal data ------------------------------------------------------------------------------


def personal_data(*, user) -> dict:
    """What the participation platform stores about a person, for the GDPR export."""
    comments = Comment.objects.filter(author=user).select_related("section", "proposal")
    return {
        "comments": [
            {
                "on": (
                    f"section {c.section.key}"
                    if c.section is not None
                    else f"proposal {c.proposal_id}"
                ),
                "body": c.body,
                "status": c.status,
                "written_at": c.created_at.isoformat(),
            }
            for c in comments.order_by("created_at")
        ],
        "proposals": [
            {
                "title": p.title,
                "description": p.description,
                "status": p.status,
                "submitted_at": p.created_at.isoformat(),
            }
            for p in Proposal.objects.filter(author=user).order_by("created_at")
        ],
        "supports": [
            {"proposal": s.proposal.title, "at": s.created_at.isoformat()}
            for s in user.proposal_supports.select_related("proposal").order_by("created_at")
        ],
        "survey_responses": [
            {
                "survey": r.survey.title,
                "at": r.created_at.isoformat(),
                "answers": {a.question.text: a.value for a in r.answers.all()},
            }
            for r in user.survey_responses.select_related("survey").prefetch_related(
                "answers__question"
            )
        ],
        "follows": [
            {
                "process": f.process_id,
                "proposal": f.proposal_id,
                "section": f.section_key or None,
            }
            for f in Follow.objects.filter(user=user)
        ],
    }


def can(user, process: Process | None, now) -> dict[str, bool]:
    """The predicates a page needs, evaluated once."""
    if process is None:
        return {}
    return {
        "comment": rules.can_comment(user, process, now),
        "reply": rules.can_reply(user, process, now),
        "react": rules.can_react(user, process, now),
        "flag": rules.can_flag(user),
        "propose": rules.can_propose(user, process, now),
        "support": rules.can_support(user, process, now),
        "answer_survey": rules.can_answer_survey(user, process, now),
        "see_results": rules.can_see_results(user, process, now),
        "export": rules.can_export_results(user),
        "moderate": rules.can_moderate(user),
        "follow": rules.can_follow(user),
    }
