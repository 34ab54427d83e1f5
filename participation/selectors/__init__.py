"""Reads of the Beteiligungsplattform that pages, PDFs, e-mails and the export share.

One package by sub-domain; pages and the other apps import ``participation.selectors``."""

from participation.contributions import user_contributions
from participation.selectors.concept import (
    Chapter,
    SectionDiff,
    chapters_of,
    comment_counts,
    concept_document,
    concept_goals,
    decision_history,
    goal_sections,
    reading_context,
    render_markdown,
    search,
    version_diff,
    versions,
)
from participation.selectors.discussion import (
    comment_threads,
    follows,
    moderation_queue,
    proposals_page,
    section_comments,
    supported_ids,
    survey_results,
    survey_rows,
)
from participation.selectors.portfolio import goal_projects, personal_data, project_detail, roadmap
from participation.selectors.processes import (
    can,
    current_process,
    default_process,
    phase_rows,
    process_by_slug,
    process_for_document,
    processes_overview,
    why_not,
)

__all__ = [
    "Chapter",
    "SectionDiff",
    "can",
    "chapters_of",
    "comment_counts",
    "comment_threads",
    "concept_document",
    "concept_goals",
    "current_process",
    "decision_history",
    "default_process",
    "follows",
    "goal_projects",
    "goal_sections",
    "moderation_queue",
    "personal_data",
    "phase_rows",
    "process_by_slug",
    "process_for_document",
    "processes_overview",
    "project_detail",
    "proposals_page",
    "reading_context",
    "render_markdown",
    "roadmap",
    "search",
    "section_comments",
    "supported_ids",
    "survey_results",
    "survey_rows",
    "user_contributions",
    "version_diff",
    "versions",
    "why_not",
]
