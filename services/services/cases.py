"""Cases: filing, the workflow (the only way a case changes status), assignment, notes, and the
access log of staff reads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api import ApplicationError
from portal.jobs import job_enqueue
from portal.models import Department, User
from portal.roles import is_staff_member
from portal.tokens import token_generate, token_hash
from portal.workdays import add_working_days, working_days_between
from services import notifications, selectors
from services.models import (
    CLOSED_STATUSES,
    AccessAction,
    AccessLog,
    Case,
    CaseEvent,
    CaseStatus,
    DefectReport,
    Draft,
    EventKind,
    ReferenceCounter,
    Service,
)
from services.services.drafts import draft_prefilled

S = CaseStatus

# The workflow. Staff move cases along these edges; the applicant may only withdraw an open
# case or, by supplying documents, move a waiting case back to in progress.
STAFF_TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.IN_PROGRESS, S.REJECTED},
    S.IN_PROGRESS: {S.WAITING, S.APPROVED, S.REJECTED},
    S.WAITING: {S.IN_PROGRESS, S.REJECTED},
    S.APPROVED: {S.IN_PROGRESS},  # reopen
    S.REJECTED: {S.IN_PROGRESS},  # reopen
    S.WITHDRAWN: set(),
}
APPLICANT_TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.WITHDRAWN},
    S.IN_PROGRESS: {S.WITHDRAWN},
    S.WAITING: {S.WITHDRAWN, S.IN_PROGRESS},
}

RECEIPT_TASK = "services.tasks.receipt_build"


def is_case_staff(user: User, case: Case) -> bool:
    """A staff member who sees ``case`` (its department's case worker, or a superuser)."""
    return is_staff_member(user) and Case.objects.visible_to(user).filter(pk=case.pk).exists()


def _next_reference() -> str:
    year = timezone.localdate().year
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.select_for_update().get(year=year).last
    return f"CR-{year}-{number:06d}"


def case_submit(
    *,
    draft: Draft,
    applicant_name: str,
    applicant_email: str,
    language: str,
    consent: bool,
    department: Department | None = None,
    notify: bool = True,
) -> tuple[Case, str]:
    """Turn a complete draft into a case. Returns the case and a secret link token for it.

    ``department`` overrides the service's department (the Mängelmelder routes by category).
    In the same transaction: the first event, the receipt job and the confirmation e-mail
    (which carries the receipt PDF once it is built). ``notify=False`` leaves that e-mail to
    the caller (a defect report whose address is not confirmed yet gets it on confirmation).
    """
    if not consent:
        raise ApplicationError(_("Please agree to the processing of your data."))
    with transaction.atomic():
        draft = (
            Draft.objects.select_for_update()
            .select_related("service", "form_version")
            .get(pk=draft.pk)
        )
        if not draft.service.is_published:  # taken offline while the draft was open
            raise ApplicationError(
                _("This service is offline. Please contact the responsible office.")
            )
        missing = selectors.missing_answers(
            form_version=draft.form_version,
            answers=draft.answers,
            files=set(draft.attachments.values_list("field_key", flat=True)),
            language=language,
        )
        if missing:
            raise ApplicationError(
                _("Please answer “{label}” (step {step}).").format(**missing[0]),
                extra={"step": missing[0]["step"]},
            )
        service = draft.service
        token = token_generate()
        now = timezone.now()
        case = Case(
            reference=_next_reference(),
            service=service,
            form_version=draft.form_version,
            department=department or service.department,
            applicant=draft.user,
            applicant_name=applicant_name.strip(),
            applicant_email=applicant_email.strip().lower(),
            language=language,
            answers=draft.answers,
            submitted_at=now,
            due_date=add_working_days(timezone.localdate(now), service.processing_days),
            access_token_hash=token_hash(token),
        )
        case.full_clean(exclude=["receipt"])
        case.save()
        draft.attachments.update(case=case, draft=None)
        event = CaseEvent.objects.create(
            case=case, kind=EventKind.SUBMITTED, to_status=CaseStatus.RECEIVED, public=True
        )
        draft.delete()
        job_enqueue(RECEIPT_TASK, case.pk)  # before the e-mail, which attaches the receipt
        if notify:
            notifications.event_notify(event=event, access_token="" if case.applicant_id else token)
    return case, token


def case_submit_answers(
    *,
    service: Service,
    answers: dict,
    applicant_name: str,
    applicant_email: str,
    language: str,
    user: User | None = None,
    department: Department | None = None,
    files: dict | None = None,
    allowed: list[str] | None = None,
    notify: bool = True,
) -> tuple[Case, str]:
    """File a case from answers validated elsewhere (the defect form, Open311): the same
    path as the web form, through a complete draft and ``case_submit``."""
    with transaction.atomic():
        draft = draft_prefilled(
            service=service,
            user=user,
            email=applicant_email,
            answers=answers,
            files=files,
            allowed=allowed,
        )
        return case_submit(
            draft=draft,
            applicant_name=applicant_name,
            applicant_email=applicant_email,
            language=language,
            consent=True,
            department=department,
            notify=notify,
        )


def case_transition(
    *, case: Case, actor: User, to_status: str, note: str = "", notify: bool = True
) -> CaseEvent:
    """The only way a case changes its status."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        from_status = case.status
        is_applicant = case.applicant_id is not None and case.applicant_id == actor.pk
        if is_case_staff(actor, case):
            allowed = STAFF_TRANSITIONS.get(from_status, set())
        elif is_applicant:
            allowed = APPLICANT_TRANSITIONS.get(from_status, set())
        else:
            raise PermissionDenied
        if to_status not in allowed:
            raise ApplicationError(
                _("A case that is “{current}” cannot become “{target}”.").format(
                    current=CaseStatus(from_status).label, target=CaseStatus(to_status).label
                )
            )
        if to_status == CaseStatus.REJECTED and not note.strip():
            raise ApplicationError(_("A rejection needs a reason for the applicant."))
        case.status = to_status
        fields = ["status"]
        fields += _clock_update(case, from_status=from_status, to_status=to_status)
        if to_status in CLOSED_STATUSES:
            case.closed_at = timezone.now()
            fields.append("closed_at")
        elif from_status in CLOSED_STATUSES:
            case.closed_at = None
            fields.append("closed_at")
        case.save(update_fields=fields)
        if to_status in CLOSED_STATUSES or from_status in CLOSED_STATUSES:
            _defect_note_follow(case, note.strip() if to_status in CLOSED_STATUSES else "")
        event = CaseEvent.objects.create(
            case=case,
            kind=EventKind.STATUS,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            note=note.strip(),
            public=True,
        )
        if notify:
            notifications.event_notify(event=event)
    return event


def _clock_update(case: Case, *, from_status: str, to_status: str) -> list[str]:
    """Stop the clock when the case starts waiting for the applicant; when it stops waiting,
    move the deadline on by the working days spent waiting. Returns the changed fields."""
    today = timezone.localdate()
    if to_status == CaseStatus.WAITING and case.paused_since is None:
        case.paused_since = today
        return ["paused_since"]
    if from_status == CaseStatus.WAITING and case.paused_since is not None:
        waited = max(working_days_between(case.paused_since, today), 0)
        if waited:
            case.due_date = add_working_days(case.due_date, waited)
        case.paused_working_days += waited
        case.paused_since = None
        return ["paused_since", "paused_working_days", "due_date"]
    return []


def _defect_note_follow(case: Case, note: str) -> None:
    """A defect's public note belongs to its current state: closing sets it from the closing
    step's note (or clears it), reopening clears the closing note, so that no stale "we are
    on it" shows after "fixed" (on the page, in e-mails, in Open311's status_notes)."""
    limit = DefectReport._meta.get_field("public_note").max_length or 500
    if len(note) > limit:
        note = note[: limit - 1] + "…"
    DefectReport.objects.filter(case=case).exclude(public_note=note).update(public_note=note)


def case_withdraw(*, case: Case, user: User) -> CaseEvent:
    return case_transition(case=case, actor=user, to_status=CaseStatus.WITHDRAWN)


@transaction.atomic
def case_assign(*, case: Case, actor: User, assignee: User | None) -> CaseEvent:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied
    if assignee is not None and not is_case_staff(assignee, case):
        raise ApplicationError(
            _("Cases can only be assigned to staff of the responsible department.")
        )
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to"])
    return CaseEvent.objects.create(
        case=case,
        kind=EventKind.ASSIGNED,
        actor=actor,
        note=str(assignee) if assignee else "",
        public=False,
    )


@transaction.atomic
def case_add_note(*, case: Case, actor: User, note: str) -> CaseEvent:
    if not is_case_staff(actor, case):
        raise PermissionDenied
    if not note.strip():
        raise ApplicationError(_("An empty note cannot be saved."))
    return CaseEvent.objects.create(
        case=case, kind=EventKind.NOTE, actor=actor, note=note.strip(), public=False
    )


def access_log(
    *, user: User, case: Case | None = None, action: AccessAction, detail: str = ""
) -> None:
    """Record a staff read of personal data (a case, a file, an export). Citizens reading their
    own case are not logged."""
    if not is_staff_member(user):
        return
    AccessLog.objects.create(
        user=user,
        case=case,
        reference=case.reference if case else "",
        action=action,
        detail=detail[:200],
    )
