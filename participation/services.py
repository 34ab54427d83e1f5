"""Every write of the Beteiligungsplattform that carries a business rule.

One transaction per function; history rows in the same transaction; e-mails and PDFs after
commit through idempotent tasks. Permissions come from ``participation.rules``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participation import rules
from participation.models import (
    Answer,
    Comment,
    CommentReaction,
    CommentStatus,
    ConceptDocument,
    DocumentVersion,
    FieldOfAction,
    Flag,
    Follow,
    Moderation,
    Process,
    Project,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    ProposalSupport,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
    SurveyInvitation,
)
from portal.api import ApplicationError

P = ProposalStatus
PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    P.SUBMITTED: {P.UNDER_REVIEW, P.ACCEPTED, P.REJECTED},
    P.UNDER_REVIEW: {P.ACCEPTED, P.REJECTED},
    P.ACCEPTED: {P.IMPLEMENTED, P.REJECTED},
    P.IMPLEMENTED: set(),
    P.REJECTED: {P.UNDER_REVIEW},  # reopen
}
SECTION_FIELDS = (
    "key",
    "chapter",
    "chapter_title",
    "number",
    "title",
    "body",
    "field_of_action_id",
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _on_commit(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))


# --- The document -------------------------------------------------------------------------------


@transaction.atomic
def document_publish(*, document: ConceptDocument, user, change_note: str) -> DocumentVersion:
    """Copy the draft's sections into a new immutable version with a change note."""
    from participation import tasks

    if not change_note.strip():
        raise ApplicationError(_("A new version needs a change note."))
    document = ConceptDocument.objects.select_for_update().get(pk=document.pk)
    draft = list(document.sections.filter(version__isnull=True).order_by("chapter", "number"))
    if not draft:
        raise ApplicationError(_("The draft has no sections."))
    current = document.versions.order_by("-number").first()
    if current is not None:
        published = [
            tuple(getattr(s, f) for f in SECTION_FIELDS)
            for s in current.sections.order_by("chapter", "number")
        ]
        if published == [tuple(getattr(s, f) for f in SECTION_FIELDS) for s in draft]:
            raise ApplicationError(_("The draft does not differ from the published version."))
    version = DocumentVersion(
        document=document,
        number=(current.number + 1) if current else 1,
        change_note=change_note.strip(),
        published_by=user if user is not None and user.is_authenticated else None,
    )
    version.full_clean()
    version.save()
    Section.objects.bulk_create(
        Section(document=document, version=version, **{f: getattr(s, f) for f in SECTION_FIELDS})
        for s in draft
    )
    _on_commit(tasks.build_version_pdf, version.pk)
    return version


def version_pdf_build(*, version_id: int) -> bool:
    """Render a version's PDF once. Idempotent: a version that has its file is skipped, and the
    row is locked while the file is attached. Returns False if there was nothing to do."""
    from participation import selectors
    from portal.pdf import render_to_pdf

    version = DocumentVersion.objects.select_related("document").get(pk=version_id)
    if version.pdf:
        return False
    with translation.override("de"):  # the concept is written in German
        context = selectors.reading_context(version=version)
        content = render_to_pdf("participation/concept_pdf.html", context)
    with transaction.atomic():
        locked = DocumentVersion.objects.select_for_update().get(pk=version_id)
        if locked.pdf:
            return False
        name = f"{version.document.slug}-v{version.number}.pdf"
        locked.pdf.save(name, ContentFile(content), save=False)
        locked.save(update_fields=["pdf"])
    return True


# --- Comments -----------------------------------------------------------------------------------


def comment_create(
    *,
    user,
    process: Process,
    body: str,
    section: Section | None = None,
    proposal: Proposal | None = None,
    parent: Comment | None = None,
    now: datetime | None = None,
) -> Comment:
    """A comment or reply. Pre-moderated processes hold it until a moderator approves it;
    a moderator's reply is the city's answer and appears at once."""
    from participation import tasks

    now = now or timezone.now()
    official = parent is not None and rules.can_answer_as_city(user)
    allowed = (
        rules.can_reply(user, process, now) if parent else rules.can_comment(user, process, now)
    )
    if not allowed:
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ApplicationError(_("Please write a comment."))
    if parent is not None:
        parent = Comment.objects.select_related("section", "proposal").get(pk=parent.pk)
        section, proposal = parent.section, parent.proposal
        if parent.status != CommentStatus.VISIBLE:
            raise ApplicationError(_("This comment cannot be answered."))
    visible = official or process.moderation == Moderation.POST
    with transaction.atomic():
        comment = Comment(
            process=process,
            section=section,
            proposal=proposal,
            parent=parent,
            author=user,
            body=body,
            is_official=official,
            status=CommentStatus.VISIBLE if visible else CommentStatus.PENDING,
            created_at=now,
        )
        comment.full_clean()
        comment.save()
        if visible:
            _on_commit(tasks.notify_comment, comment.pk)
    return comment


def _moderated(comment: Comment, moderator) -> Comment:
    if not rules.can_moderate(moderator):
        raise PermissionDenied
    return Comment.objects.select_for_update().get(pk=comment.pk)


def comment_approve(*, comment: Comment, moderator) -> Comment:
    from participation import tasks

    with transaction.atomic():
        comment = _moderated(comment, moderator)
        comment.status = CommentStatus.VISIBLE
        comment.hidden_reason = ""
        comment.moderated_by = moderator
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
        comment.flags.filter(resolved_at__isnull=True).update(resolved_at=comment.moderated_at)
        _on_commit(tasks.notify_comment, comment.pk)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, moderator, reason: str) -> Comment:
    """Hide a comment; the reason is shown in its place."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Please give the reason for hiding the comment."))
    comment = _moderated(comment, moderator)
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = reason
    comment.moderated_by = moderator
    comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
    comment.flags.filter(resolved_at__isnull=True).update(resolved_at=comment.moderated_at)
    return comment


def comment_answer_as_city(*, comment: Comment, moderator, body: str) -> Comment:
    """Answer a comment as the city ("Antwort der Stadt"); approves it if it was pending."""
    if not rules.can_answer_as_city(moderator):
        raise PermissionDenied
    with transaction.atomic():
        if comment.status == CommentStatus.PENDING:
            comment = comment_approve(comment=comment, moderator=moderator)
        return comment_create(user=moderator, process=comment.process, body=body, parent=comment)


def comment_agree(*, comment: Comment, user, now: datetime | None = None) -> bool:
    """ "I agree". Returns False if this account already agreed (one per account)."""
    if not rules.can_react(user, comment.process, now or timezone.now()):
        raise PermissionDenied
    if comment.status != CommentStatus.VISIBLE:
        raise ApplicationError(_("This comment cannot be agreed with."))
    try:
        with transaction.atomic():
            CommentReaction.objects.create(comment=comment, user=user)
    except IntegrityError:
        return False
    return True


def comment_flag(*, comment: Comment, user, reason: str = "") -> bool:
    """Report a comment to the moderators. Returns False if this account already did."""
    if not rules.can_flag(user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            Flag.objects.create(comment=comment, user=user, reason=reason.strip()[:300])
    except IntegrityError:
        return False
    return True


# --- Proposals ----------------------------------------------------------------------------------

IMAGE_SIGNATURES = {"jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}


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
    from participation import tasks

    if not rules.can_propose(user, process, now or timezone.now()):
        raise PermissionDenied
    content = kind = None
    if image is not None:
        from services.services import attachment_check

        # Checked by content (not by name) and re-encoded without metadata, like uploads
        # of the Serviceportal.
        content, kind, _ct = attachment_check(upload=image, allowed=["jpeg", "png"], max_mb=5)
    with transaction.atomic():
        proposal = Proposal(
            process=process,
            author=user,
            title=title.strip(),
            description=description.strip(),
            field_of_action=field_of_action,
            latitude=latitude,
            longitude=longitude,
            image_type=kind or "",
        )
        proposal.full_clean(exclude=["image"])
        if content is not None:
            extension = "jpg" if kind == "jpeg" else "png"
            proposal.image.save(f"proposal.{extension}", ContentFile(content), save=False)
        proposal.save()
        Follow.objects.get_or_create(user=user, proposal=proposal)
        _on_commit(tasks.notify_new_proposal, proposal.pk)
    return proposal


def proposal_support(*, user, proposal: Proposal, now: datetime | None = None) -> bool:
    """One support per verified account (a database constraint). When the process's threshold
    is reached the proposal goes to review. Returns False if this account already supported."""
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
    from participation import tasks

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
    _on_commit(tasks.notify_proposal_event, event.pk)
    return event


@transaction.atomic
def proposal_transition(*, proposal: Proposal, actor, to_status: str, reason: str = "") -> Proposal:
    """The only way a proposal's status changes. Followers get an e-mail after commit."""
    if actor is None or not (actor.is_staff or rules.can_moderate(actor)):
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
    return project


# --- Surveys ------------------------------------------------------------------------------------


def _clean_answer(question: Question, raw) -> object:
    """Check one answer; returns the stored value or None for an empty optional answer."""
    empty = raw in (None, "", [])
    if empty:
        if question.required:
            raise ApplicationError(_("Please answer the question “{q}”.").format(q=question.text))
        return None
    if question.kind == QuestionKind.SINGLE:
        if raw not in question.choice_list:
            raise ApplicationError(_("Please choose one of the offered answers."))
        return raw
    if question.kind == QuestionKind.MULTIPLE:
        values = raw if isinstance(raw, list) else [raw]
        if not set(values) <= set(question.choice_list):
            raise ApplicationError(_("Please choose among the offered answers."))
        return [c for c in question.choice_list if c in values]
    if question.kind == QuestionKind.SCALE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ApplicationError(_("Please choose a value from 1 to 5."))
        return value
    text = str(raw).strip()[:2000]
    return text or None


def survey_respond(
    *,
    survey: Survey,
    answers: dict[int, object],
    user=None,
    token: str = "",
    now: datetime | None = None,
) -> Response:
    """Store one response: one per account, or one per e-mailed token (database constraints)."""
    now = now or timezone.now()
    token_hash = ""
    if token:
        token_hash = hash_token(token)
        if (
            not survey.by_token
            or not SurveyInvitation.objects.filter(survey=survey, token_hash=token_hash).exists()
        ):
            raise PermissionDenied
        if not rules._running(survey.process, "survey", now):
            raise PermissionDenied
        user = None
    elif not rules.can_answer_survey(user, survey.process, now):
        raise PermissionDenied
    questions = list(survey.questions.all())
    cleaned = {q.pk: _clean_answer(q, answers.get(q.pk)) for q in questions}
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, user=user, token_hash=token_hash, created_at=now
            )
            Answer.objects.bulk_create(
                Answer(response=response, question_id=pk, value=value)
                for pk, value in cleaned.items()
                if value is not None
            )
    except IntegrityError as exc:
        raise ApplicationError(_("You have already answered this survey.")) from exc
    return response


def survey_invite(*, survey: Survey, email: str, language: str = "de") -> str:
    """Create an anonymous answer link and e-mail it. Only the token's hash is stored."""
    from participation import tasks

    if not survey.by_token:
        raise ApplicationError(_("This survey is answered with an account."))
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        invitation = SurveyInvitation.objects.create(survey=survey, token_hash=hash_token(token))
        _on_commit(tasks.send_survey_invitation, invitation.pk, email, token, language)
    return token


# --- Follows ------------------------------------------------------------------------------------


def follow_toggle(
    *,
    user,
    process: Process | None = None,
    proposal: Proposal | None = None,
    document: ConceptDocument | None = None,
    section_key: str = "",
) -> bool:
    """Follow or unfollow. Returns True if the user follows afterwards."""
    if not rules.can_follow(user):
        raise PermissionDenied
    target = {"process": process, "proposal": proposal, "document": document}
    target = {k: v for k, v in target.items() if v is not None}
    if len(target) != 1:
        raise ApplicationError(_("Nothing to follow."))
    if document is not None:
        target["section_key"] = section_key
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(user=user, **target).delete()
        if deleted:
            return False
        follow = Follow(user=user, **target)
        follow.full_clean()
        follow.save()
    return True
