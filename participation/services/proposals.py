"""Proposals: submitting, supporting, the status workflow with its history, becoming a project."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participation import rules
from participation.models import (
    FieldOfAction,
    Follow,
    Process,
    Project,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    ProposalSupport,
)
from participation.services.notifications import proposal_created_notify, proposal_event_notify
from portal import maps
from portal.api import ApplicationError
from portal.audit import audit_record
from portal.uploads import upload_check

P = ProposalStatus
PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    P.SUBMITTED: {P.UNDER_REVIEW, P.ACCEPTED, P.REJECTED},
    P.UNDER_REVIEW: {P.ACCEPTED, P.REJECTED},
    P.ACCEPTED: {P.IMPLEMENTED, P.REJECTED},
    P.IMPLEMENTED: set(),
    P.REJECTED: {P.UNDER_REVIEW},  # reopen
}
IMAGE_MAX_MB = 5


def proposal_create(
    *,
    user,
    process: Process,
    title: str,
    description: str,
    field_of_action: FieldOfAction,
    latitude=None,
    longitude=None,
    image: UploadedFile | None = None,
    now: datetime | None = None,
) -> Proposal:
    """A new proposal; its author follows it, the process's followers are e-mailed."""
    if not rules.can_propose(user, process, now or timezone.now()):
        raise PermissionDenied
    maps.location_check(latitude=latitude, longitude=longitude)
    # Checked by content (not by name) and re-encoded without metadata, like every upload.
    try:
        checked = (
            upload_check(upload=image, allowed=["jpeg", "png"], max_mb=IMAGE_MAX_MB)
            if image is not None
            else None
        )
    except ApplicationError as exc:  # the form shows it at the image field
        raise ApplicationError(exc.message, extra={"field": "image"}) from exc
    with transaction.atomic():
        proposal = Proposal(
            process=process,
            author=user,
            title=title.strip(),
            description=description.strip(),
            field_of_action=field_of_action,
            latitude=latitude,
            longitude=longitude,
            image_type=checked.kind if checked else "",
        )
        proposal.full_clean(exclude=["image"])
        if checked is not None:
            extension = checked.name.rsplit(".", 1)[-1]
            proposal.image.save(f"proposal.{extension}", ContentFile(checked.content), save=False)
        proposal.save()
        Follow.objects.get_or_create(user=user, proposal=proposal)
        proposal_created_notify(proposal=proposal)
    return proposal


def proposal_support(*, user, proposal: Proposal, now: datetime | None = None) -> bool:
    """One support per verified account (a database constraint). When the process's threshold
    is reached the proposal goes to review. Returns False if this account already supported.
    An author cannot support their own proposal."""
    if rules.is_author(user, proposal):
        raise ApplicationError(str(rules.OWN_PROPOSAL))
    if not rules.can_support(user, proposal.process, now or timezone.now()):
        raise PermissionDenied
    if proposal.status not in (P.SUBMITTED, P.UNDER_REVIEW):
        raise ApplicationError(_("This proposal no longer collects supports."))
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(user=user, proposal=proposal)
            Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if (
                locked.status == P.SUBMITTED
                and locked.support_count >= locked.process.support_threshold
            ):
                _transition(locked, actor=None, to_status=P.UNDER_REVIEW, reason="")
    except IntegrityError:
        return False
    return True


def _transition(proposal: Proposal, *, actor, to_status: str, reason: str) -> ProposalEvent:
    if to_status not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise ApplicationError(
            _("A proposal cannot go from “{old}” to “{new}”.").format(
                old=ProposalStatus(proposal.status).label, new=ProposalStatus(to_status).label
            )
        )
    if to_status == P.REJECTED and not reason.strip():
        raise ApplicationError(_("Please give the reason for the rejection."))
    event = ProposalEvent.objects.create(
        proposal=proposal,
        actor=actor,
        from_status=proposal.status,
        to_status=to_status,
        reason=reason.strip(),
    )
    proposal.status = to_status
    if reason.strip():
        proposal.status_reason = reason.strip()
    proposal.save(update_fields=["status", "status_reason"])
    proposal_event_notify(event=event)
    return event


@transaction.atomic
def proposal_transition(*, proposal: Proposal, actor, to_status: str, reason: str = "") -> Proposal:
    """The only way a proposal's status changes. Author and followers are e-mailed."""
    if actor is None or not rules.can_decide_proposals(actor):
        raise PermissionDenied
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _transition(locked, actor=actor, to_status=to_status, reason=reason)
    return locked


@transaction.atomic
def proposal_to_project(*, proposal: Proposal, actor, responsible_office: str) -> Project:
    """An accepted proposal becomes a planned project that keeps the link to it."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != P.ACCEPTED:
        raise ApplicationError(_("Only an accepted proposal can become a project."))
    if Project.objects.filter(proposal=locked).exists():
        raise ApplicationError(_("This proposal is already a project."))
    base = slugify(locked.title)[:70] or "projekt"
    slug, n = base, 1
    while Project.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    project = Project(
        title=locked.title,
        slug=slug,
        summary=locked.title[:300],
        description=locked.description,
        field_of_action=locked.field_of_action,
        responsible_office=responsible_office,
        proposal=locked,
    )
    project.full_clean()
    project.save()
    audit_record(actor=actor, obj=locked, message=f"Turned into the project “{project.slug}”.")
    return project
