"""Comments, proposals, follows and surveys of a process."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext

from participation import rules
from participation.models import (
    Comment,
    CommentStatus,
    ConceptDocument,
    Follow,
    Process,
    Proposal,
    Survey,
)


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
