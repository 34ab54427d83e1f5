"""Who may do what, and when: small predicates over (user, process, now).

The roles come from ``portal.roles`` (one set of role predicates for the whole portal): a visitor
(anonymous), a citizen (an account with a verified e-mail address), a moderator and a council
member (groups ``portal.roles.Role``), staff (may log into the administration). This module adds
the phases: what a citizen may do depends on which phases of the process are running;
moderation does not. Role lookups are cached on the user object, so a page asks the database once.
"""

from __future__ import annotations

from datetime import datetime

from participation.models import PhaseKind, Process
from portal import roles
from portal.roles import is_verified

__all__ = [
    "can_answer_as_city",
    "can_answer_survey",
    "can_comment",
    "can_decide_proposals",
    "can_export_results",
    "can_flag",
    "can_follow",
    "can_moderate",
    "can_propose",
    "can_react",
    "can_reply",
    "can_see_results",
    "can_support",
    "is_verified",
    "phase_running",
    "survey_has_ended",
]


def can_moderate(user) -> bool:
    return roles.is_moderator(user)


def can_answer_as_city(user) -> bool:
    return can_moderate(user)


def can_decide_proposals(user) -> bool:
    """Staff and moderators change a proposal's status."""
    return roles.is_staff_member(user) or roles.is_moderator(user)


def phase_running(process: Process, kind: str, now: datetime) -> bool:
    return kind in process.active_kinds(now)


def can_comment(user, process: Process, now: datetime) -> bool:
    """Verified accounts comment while the commenting or the proposal phase runs."""
    return is_verified(user) and (
        phase_running(process, PhaseKind.COMMENTING, now)
        or phase_running(process, PhaseKind.PROPOSALS, now)
    )


def can_reply(user, process: Process, now: datetime) -> bool:
    """Moderators may answer (as the city) whenever; others while they may comment."""
    return can_moderate(user) or can_comment(user, process, now)


def can_react(user, process: Process, now: datetime) -> bool:
    return can_comment(user, process, now)


def can_flag(user) -> bool:
    """Flagging is always possible for an account: abuse does not wait for a phase."""
    return roles.is_authenticated(user)


def can_propose(user, process: Process, now: datetime) -> bool:
    return is_verified(user) and phase_running(process, PhaseKind.PROPOSALS, now)


def can_support(user, process: Process, now: datetime) -> bool:
    """Supports are collected during the commenting and the proposal phase."""
    return is_verified(user) and (
        phase_running(process, PhaseKind.PROPOSALS, now)
        or phase_running(process, PhaseKind.COMMENTING, now)
    )


def can_answer_survey(user, process: Process, now: datetime) -> bool:
    return is_verified(user) and phase_running(process, PhaseKind.SURVEY, now)


def survey_has_ended(process: Process, now: datetime) -> bool:
    phase = process.phase_of(PhaseKind.SURVEY)
    return phase is not None and phase.ends_at <= now


def can_see_results(user, process: Process, now: datetime) -> bool:
    """Everyone once the survey phase has ended; the council, moderators and staff earlier."""
    return (
        survey_has_ended(process, now)
        or roles.is_council_member(user)
        or roles.is_moderator(user)
        or roles.is_staff_member(user)
    )


def can_export_results(user) -> bool:
    return roles.is_staff_member(user)


def can_follow(user) -> bool:
    return is_verified(user)
