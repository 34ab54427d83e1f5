"""Who may do what, and when: small predicates over (user, process, now).

Roles: a visitor (anonymous), a citizen (an account with a verified e-mail address), a moderator
and a council member (groups ``portal.models.Role``), staff (``is_staff``). What a citizen may do
depends on which phases of the process are running; moderation does not.
Role lookups are cached on the user object, so a page asks the database once.
"""

from __future__ import annotations

from datetime import datetime

from participation.models import PhaseKind, Process
from portal.models import Role


def _roles(user) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_participation_roles", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = set(user.groups.values_list("name", flat=True))
        if EmailAddress.objects.filter(user=user, verified=True).exists():
            cached.add("verified")
        if user.is_staff:
            cached.add("staff")
        if user.is_superuser:
            cached.add("superuser")
        user._participation_roles = cached
    return cached


def is_verified(user) -> bool:
    return "verified" in _roles(user)


def can_moderate(user) -> bool:
    roles = _roles(user)
    return Role.MODERATOR.value in roles or "superuser" in roles


def can_answer_as_city(user) -> bool:
    return can_moderate(user)


def _running(process: Process, kind: str, now: datetime) -> bool:
    return kind in process.active_kinds(now)


def can_comment(user, process: Process, now: datetime) -> bool:
    """Verified accounts comment while the commenting or the proposal phase runs."""
    return is_verified(user) and (
        _running(process, PhaseKind.COMMENTING, now) or _running(process, PhaseKind.PROPOSALS, now)
    )


def can_reply(user, process: Process, now: datetime) -> bool:
    """Moderators may answer (as the city) whenever; others while they may comment."""
    return can_moderate(user) or can_comment(user, process, now)


def can_react(user, process: Process, now: datetime) -> bool:
    return can_comment(user, process, now)


def can_flag(user) -> bool:
    """Flagging is always possible for an account: abuse does not wait for a phase."""
    return user is not None and user.is_authenticated


def can_propose(user, process: Process, now: datetime) -> bool:
    return is_verified(user) and _running(process, PhaseKind.PROPOSALS, now)


def can_support(user, process: Process, now: datetime) -> bool:
    """Supports are collected during the commenting and the proposal phase."""
    return is_verified(user) and (
        _running(process, PhaseKind.PROPOSALS, now) or _running(process, PhaseKind.COMMENTING, now)
    )


def can_answer_survey(user, process: Process, now: datetime) -> bool:
    return is_verified(user) and _running(process, PhaseKind.SURVEY, now)


def survey_has_ended(process: Process, now: datetime) -> bool:
    phase = process.phase_of(PhaseKind.SURVEY)
    return phase is not None and phase.ends_at <= now


def can_see_results(user, process: Process, now: datetime) -> bool:
    """Everyone once the survey phase has ended; the council, moderators and staff earlier."""
    roles = _roles(user)
    insiders = {Role.COUNCIL_MEMBER.value, Role.MODERATOR.value, "staff"}
    return survey_has_ended(process, now) or bool(roles & insiders)


def can_export_results(user) -> bool:
    return "staff" in _roles(user)


def can_follow(user) -> bool:
    return is_verified(user)
