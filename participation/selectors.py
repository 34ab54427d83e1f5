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
from django.utils import timezone
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
    PhaseAction,
    PhaseRole,
    Process,
    ProcessState,
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


def _processes():
    return Process.objects.select_related("document").prefetch_related("phases", "surveys")


def processes_overview(*, now) -> dict[str, list[Process]]:
    """Every process by state (running, upcoming, finished), newest first (two queries)."""
    result: dict[str, list[Process]] = {state.value: [] for state in ProcessState}
    for process in Process.objects.prefetch_related("phases").order_by("-pk"):
        result[process.state(now)].append(process)
    return result


def process_by_slug(*, slug: str) -> Process | None:
    return _processes().filter(slug=slug).first()


def _running_first(processes: list[Process], now) -> Process | None:
    running = [p for p in processes if p.state(now) == ProcessState.RUNNING]
    chosen = running or processes
    return chosen[0] if chosen else None


def default_process(*, now=None) -> Process | None:
    """Where old links without a process go (they were written when the concept's process was
    the only one): the running process of the concept, else the newest running, else the newest
    process."""
    now = now or timezone.now()
    processes = list(_processes().order_by("-pk"))
    document = concept_document()
    running = [p for p in processes if p.state(now) == ProcessState.RUNNING]
    concept = [p for p in running if document is not None and p.document_id == document.pk]
    chosen = concept or running or processes
    return chosen[0] if chosen else None


def current_process() -> Process | None:
    """Kept for callers from before several processes: the default process."""
    return default_process()


def process_for_document(*, document: ConceptDocument | None, now=None) -> Process | None:
    """The process in which ``document`` is discussed: the newest running one, else the newest."""
    if document is None:
        return None
    processes = list(_processes().filter(document=document).order_by("-pk"))
    return _running_first(processes, now or timezone.now())


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
        .select_related("author", "process", "section", "proposal", "parent")
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


def why_not(user, process: Process | None, now) -> dict[str, str]:
    """Why the user may not act, per action: a sentence for the page (empty where they may)."""
    if process is None:
        return {}
    return {action.value: rules.refusal(user, process, action, now) for action in PhaseAction}


def phase_rows(*, process: Process, now) -> list[dict]:
    """The phases of a process for its page: running or not, and who may do what in each."""
    labels = dict(PhaseRole.choices)
    rows = []
    for phase in process.phases.all():
        granted = phase.effective_permissions()
        rows.append(
            {
                "phase": phase,
                "running": phase.starts_at <= now < phase.ends_at,
                "permissions": [
                    {"action": action.label, "roles": [labels[r] for r in granted[action.value]]}
                    for action in PhaseAction
                    if granted[action.value]
                ],
            }
        )
    return rows
