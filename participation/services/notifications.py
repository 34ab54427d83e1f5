"""The e-mails of the Beteiligungsplattform, put into the portal's outbox (``portal.mail``).

Each function is called by a service inside the transaction that causes the e-mail (a comment
becoming visible or hidden, a proposal's status change, a new proposal, a survey invitation), so
a rollback takes the e-mails with it. One e-mail per recipient, keyed by what caused it and who
receives it: queueing the same thing twice sends nothing more. The outbox sends after the commit
and retries a refused send.
"""

from __future__ import annotations

from django.urls import reverse

from participation.models import Comment, Follow, Proposal, ProposalEvent, SurveyInvitation
from portal.mail import absolute_url, mail_queue_template
from portal.models import User

TEMPLATES = "participation/email"


def comment_link(comment: Comment) -> str:
    if comment.proposal_id:
        return absolute_url(reverse("participation:proposal", args=[comment.proposal_id]))
    if comment.section is None:
        raise ValueError(f"Comment {comment.pk} is on neither a proposal nor a section.")
    return absolute_url(reverse("participation:section", args=[comment.section.key]))


def _active(ids: set[int]) -> list[User]:
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _queue(*, key: str, recipients: list[User], template: str, context: dict) -> int:
    queued = 0
    for user in recipients:
        email = mail_queue_template(
            key=f"{key}:user:{user.pk}",
            to=user.email,
            template=f"{TEMPLATES}/{template}",
            context=context,
            language=user.language,
        )
        queued += email is not None
    return queued


def comment_recipients(comment: Comment) -> list[User]:
    """Followers of what the comment is about, and the author of the comment it answers."""
    follows = Follow.objects.filter(process=comment.process_id)
    if comment.proposal_id:
        follows = follows | Follow.objects.filter(proposal=comment.proposal_id)
    else:
        section = comment.section
        if section is None:
            raise ValueError(f"Comment {comment.pk} is on neither a proposal nor a section.")
        follows = follows | Follow.objects.filter(
            document=section.document_id, section_key=section.key
        )
    ids = set(follows.values_list("user_id", flat=True))
    parent = comment.parent  # None without a query when there is no parent
    if parent is not None and parent.author_id:
        ids.add(parent.author_id)
    ids.discard(comment.author_id)
    return _active(ids)


def comment_notify(*, comment: Comment) -> int:
    """A comment has become visible: tell its recipients. Returns the number of new e-mails."""
    return _queue(
        key=f"participation.comment:{comment.pk}",
        recipients=comment_recipients(comment),
        template="comment",
        context={"comment": comment, "link": comment_link(comment)},
    )


def comment_hidden_notify(*, comment: Comment) -> int:
    """A moderator has hidden a comment: tell its author why, in the author's language."""
    author = _active({comment.author_id} if comment.author_id else set())
    moderated_at = comment.moderated_at.isoformat() if comment.moderated_at else ""
    return _queue(
        # Hidden again later (after being published in between) is a new e-mail.
        key=f"participation.comment_hidden:{comment.pk}:{moderated_at}",
        recipients=author,
        template="comment_hidden",
        context={"comment": comment, "link": comment_link(comment)},
    )


def proposal_event_notify(*, event: ProposalEvent) -> int:
    """A proposal's status changed: tell its author and its followers."""
    proposal = event.proposal
    ids = set(proposal.follows.values_list("user_id", flat=True))
    if proposal.author_id:
        ids.add(proposal.author_id)
    return _queue(
        key=f"participation.proposal_event:{event.pk}",
        recipients=_active(ids),
        template="proposal_status",
        context={
            "event": event,
            "proposal": proposal,
            "link": absolute_url(reverse("participation:proposal", args=[proposal.pk])),
        },
    )


def proposal_created_notify(*, proposal: Proposal) -> int:
    """Followers of the process hear of a new proposal (its author does not)."""
    ids = set(Follow.objects.filter(process=proposal.process_id).values_list("user_id", flat=True))
    ids.discard(proposal.author_id)
    return _queue(
        key=f"participation.proposal:{proposal.pk}",
        recipients=_active(ids),
        template="proposal_new",
        context={
            "proposal": proposal,
            "link": absolute_url(reverse("participation:proposal", args=[proposal.pk])),
        },
    )


def survey_invitation_mail(
    *, invitation: SurveyInvitation, email: str, token: str, language: str | None
) -> bool:
    """The invitation link for one address. The token is only in the e-mail, not in the
    invitation row (which keeps its hash)."""
    link = absolute_url(reverse("participation:survey_token", args=[invitation.survey_id, token]))
    queued = mail_queue_template(
        key=f"participation.invitation:{invitation.pk}",
        to=email,
        template=f"{TEMPLATES}/invitation",
        context={"survey": invitation.survey, "link": link},
        language=language,
    )
    return queued is not None
