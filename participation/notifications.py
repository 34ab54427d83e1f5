"""E-mails of the Beteiligungsplattform. Called by tasks after commit; each sends at most once
(an atomic claim on ``notified_at`` / ``sent_at``; a refused send rolls the claim back)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from participation.models import Comment, Follow, Proposal, ProposalEvent, SurveyInvitation
from portal.models import User


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def comment_link(comment: Comment) -> str:
    if comment.proposal_id:
        return absolute(reverse("participation:proposal", args=[comment.proposal_id]))
    return absolute(reverse("participation:section", args=[comment.section.key]))


def _mails(recipients, template: str, context: dict) -> list[EmailMessage]:
    mails = []
    for user in recipients:
        with translation.override(user.language):
            subject = render_to_string(f"participation/email/{template}_subject.txt", context)
            body = render_to_string(f"participation/email/{template}.txt", context)
        mails.append(EmailMessage(subject=subject.strip(), body=body, to=[user.email]))
    return mails


def comment_recipients(comment: Comment) -> list[User]:
    """Followers of what the comment is about, and the author of the comment it answers."""
    follows = Follow.objects.filter(process=comment.process_id)
    if comment.proposal_id:
        follows = follows | Follow.objects.filter(proposal=comment.proposal_id)
    else:
        follows = follows | Follow.objects.filter(
            document=comment.section.document_id, section_key=comment.section.key
        )
    ids = set(follows.values_list("user_id", flat=True))
    if comment.parent_id and comment.parent.author_id:
        ids.add(comment.parent.author_id)
    ids.discard(comment.author_id)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def comment_notify(*, comment_id: int) -> bool:
    with transaction.atomic():
        claimed = Comment.objects.filter(
            pk=comment_id, notified_at__isnull=True, status="visible"
        ).update(notified_at=timezone.now())
        if not claimed:
            return False
        comment = Comment.objects.select_related("section", "proposal", "parent").get(pk=comment_id)
        context = {"comment": comment, "link": comment_link(comment)}
        for message in _mails(comment_recipients(comment), "comment", context):
            message.send()
    return True


def proposal_event_notify(*, event_id: int) -> bool:
    with transaction.atomic():
        claimed = ProposalEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return False
        event = ProposalEvent.objects.select_related("proposal").get(pk=event_id)
        proposal = event.proposal
        ids = set(proposal.follows.values_list("user_id", flat=True))
        if proposal.author_id:
            ids.add(proposal.author_id)
        recipients = User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
        context = {
            "event": event,
            "proposal": proposal,
            "link": absolute(reverse("participation:proposal", args=[proposal.pk])),
        }
        for message in _mails(recipients, "proposal_status", context):
            message.send()
    return True


def proposal_created_notify(*, proposal_id: int) -> bool:
    """Followers of the process hear of a new proposal (its author does not)."""
    with transaction.atomic():
        claimed = Proposal.objects.filter(pk=proposal_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return False
        proposal = Proposal.objects.get(pk=proposal_id)
        ids = set(
            Follow.objects.filter(process=proposal.process_id).values_list("user_id", flat=True)
        )
        ids.discard(proposal.author_id)
        recipients = User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
        context = {
            "proposal": proposal,
            "link": absolute(reverse("participation:proposal", args=[proposal.pk])),
        }
        for message in _mails(recipients, "proposal_new", context):
            message.send()
    return True


def survey_invitation_send(*, invitation_id: int, email: str, token: str, language: str) -> bool:
    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        invitation = SurveyInvitation.objects.select_related("survey").get(pk=invitation_id)
        link = absolute(reverse("participation:survey_token", args=[invitation.survey_id, token]))
        with translation.override(language):
            context = {"survey": invitation.survey, "link": link}
            subject = render_to_string("participation/email/invitation_subject.txt", context)
            body = render_to_string("participation/email/invitation.txt", context)
        EmailMessage(subject=subject.strip(), body=body, to=[email]).send()
    return True
