"""Who may do what, and when: small predicates over (user, process, now).

The roles come from ``portal.roles`` (one set of role predicates for the whole portal): a visitor
(anonymous), a citizen (an account with a verified e-mail address), a moderator and a council
member (groups ``portal.roles.Role``), staff (may log into the administration). This module adds
the phases: what a person may do depends on which phases of the process are running and which
roles each running phase grants the action (``Phase.permissions``, set per phase in the admin,
today's rules by default); moderation does not. Several processes run at once, each with its
own phases and permissions. Role lookups are cached on the user object, so a page asks the
database once.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from participation.models import PhaseAction, PhaseKind, PhaseRole, Process
from portal import roles
from portal.roles import is_verified

__all__ = [
    "action_open",
    "agree_refusal",
    "can_agree_with",
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
    "can_support_proposal",
    "granted",
    "is_author",
    "is_verified",
    "may",
    "phase_running",
    "refusal",
    "roles_of",
    "support_refusal",
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


# --- What the phases allow: configured per phase (``Phase.permissions``) ------------------------


def roles_of(user) -> set[str]:
    """The ``PhaseRole`` values ``user`` holds (a person holds every role that fits)."""
    if not roles.is_authenticated(user):
        return set()
    held = {PhaseRole.REGISTERED.value}
    if is_verified(user):
        held.add(PhaseRole.VERIFIED.value)
    if roles.is_council_member(user):
        held.add(PhaseRole.COUNCIL_MEMBER.value)
    if roles.is_moderator(user):
        held.add(PhaseRole.MODERATOR.value)
    return held


def granted(process: Process, action: str, now: datetime) -> set[str]:
    """The roles that may do ``action`` in ``process`` at ``now``: the union over its running
    phases (uses prefetched phases: no query)."""
    result: set[str] = set()
    for phase in process.running_phases(now):
        result |= phase.granted(action)
    return result


def may(user, process: Process, action: str, now: datetime) -> bool:
    """Whether ``user`` may do ``action`` (a ``PhaseAction``) in ``process`` at ``now``."""
    allowed = granted(process, action, now)
    return bool(allowed) and bool(allowed & roles_of(user))


def action_open(process: Process, action: str, now: datetime) -> bool:
    """Whether some role may do ``action`` now (an invitation link answers a survey then)."""
    return bool(granted(process, action, now))


def can_comment(user, process: Process, now: datetime) -> bool:
    """By default: verified accounts while the commenting or the proposal phase runs."""
    return may(user, process, PhaseAction.COMMENT, now)


def can_reply(user, process: Process, now: datetime) -> bool:
    """Moderators may answer (as the city) whenever; others while they may comment."""
    return can_moderate(user) or can_comment(user, process, now)


def can_react(user, process: Process, now: datetime) -> bool:
    """By default: verified accounts while the commenting or the proposal phase runs."""
    return may(user, process, PhaseAction.REACT, now)


def can_flag(user) -> bool:
    """Flagging is always possible for an account: abuse does not wait for a phase."""
    return roles.is_authenticated(user)


def can_propose(user, process: Process, now: datetime) -> bool:
    """By default: verified accounts while the proposal phase runs."""
    return may(user, process, PhaseAction.PROPOSE, now)


def can_support(user, process: Process, now: datetime) -> bool:
    """By default: verified accounts while the commenting or the proposal phase runs."""
    return may(user, process, PhaseAction.SUPPORT, now)


def can_answer_survey(user, process: Process, now: datetime) -> bool:
    """By default: verified accounts while the survey phase runs."""
    return may(user, process, PhaseAction.ANSWER_SURVEY, now)


def is_author(user, item) -> bool:
    """Whether ``user`` wrote ``item`` (a proposal or a comment; no query)."""
    return roles.is_authenticated(user) and item.author_id == user.pk


def can_support_proposal(user, proposal, now: datetime) -> bool:
    """Supporting is for others' proposals: an author cannot support their own."""
    return can_support(user, proposal.process, now) and not is_author(user, proposal)


def can_agree_with(user, comment, now: datetime) -> bool:
    """Agreeing is for others' comments: an author cannot agree with their own."""
    return can_react(user, comment.process, now) and not is_author(user, comment)


# What a refusal says: one sentence per action (the roles are filled in).
_ONLY = {
    PhaseAction.COMMENT: _("In this phase only {roles} can comment."),
    PhaseAction.REACT: _("In this phase only {roles} can agree with comments."),
    PhaseAction.PROPOSE: _("In this phase only {roles} can submit proposals."),
    PhaseAction.SUPPORT: _("In this phase only {roles} can support proposals."),
    PhaseAction.ANSWER_SURVEY: _("In this phase only {roles} can answer surveys."),
}
_CLOSED = {
    PhaseAction.COMMENT: _("Comments are not possible in the current phase of this process."),
    PhaseAction.REACT: _("Agreeing with comments is not possible in the current phase."),
    PhaseAction.PROPOSE: _("Proposals cannot be submitted in the current phase of this process."),
    PhaseAction.SUPPORT: _("Proposals cannot be supported in the current phase of this process."),
    PhaseAction.ANSWER_SURVEY: _("Surveys cannot be answered in the current phase."),
}
_WHO = {
    PhaseRole.REGISTERED: _("registered users"),
    PhaseRole.VERIFIED: _("verified users"),
    PhaseRole.COUNCIL_MEMBER: _("council members"),
    PhaseRole.MODERATOR: _("moderators"),
}


def refusal(user, process: Process, action: str, now: datetime) -> str:
    """Why ``user`` may not do ``action`` now, as a sentence for the page; empty if they may."""
    allowed = granted(process, action, now)
    if allowed & roles_of(user):
        return ""
    kind = PhaseAction(action)
    if not allowed:
        return str(_CLOSED[kind])
    # A registered user counts as verified too, so name only the widest roles.
    if PhaseRole.REGISTERED in allowed:
        allowed = {PhaseRole.REGISTERED.value}
    who = [str(_WHO[r]) for r in PhaseRole if r.value in allowed]
    joined = (
        who[0] if len(who) == 1 else str(_("{a} or {b}")).format(a=", ".join(who[:-1]), b=who[-1])
    )
    return str(_ONLY[kind]).format(roles=joined)


OWN_PROPOSAL = _("You cannot support your own proposal.")
OWN_COMMENT = _("You cannot agree with your own comment.")


def support_refusal(user, proposal, now: datetime) -> str:
    """Why ``user`` may not support ``proposal`` now; empty if they may."""
    if is_author(user, proposal):
        return str(OWN_PROPOSAL)
    return refusal(user, proposal.process, PhaseAction.SUPPORT, now)


def agree_refusal(user, comment, now: datetime) -> str:
    """Why ``user`` may not agree with ``comment`` now; empty if they may."""
    if is_author(user, comment):
        return str(OWN_COMMENT)
    return refusal(user, comment.process, PhaseAction.REACT, now)


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
