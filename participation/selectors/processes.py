"""Which participation processes there are, and what a user may do in one."""

from __future__ import annotations

from django.utils import timezone

from participation import rules
from participation.models import (
    ConceptDocument,
    PhaseAction,
    PhaseRole,
    Process,
    ProcessState,
)
from participation.selectors.concept import concept_document


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
