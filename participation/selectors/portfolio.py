"""The project portfolio and a participant's own data."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch

from participation.models import (
    Comment,
    FieldOfAction,
    Follow,
    Milestone,
    Project,
    ProjectStatus,
    Proposal,
    StrategicGoal,
)


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
