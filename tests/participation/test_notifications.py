"""E-mails of the Beteiligungsplattform go through the portal's outbox: queued in the
transaction that causes them, one per recipient, never lost when the mail relay refuses."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from participation import services
from participation.models import Comment, Follow
from portal.models import MailStatus, OutgoingEmail
from portal.tasks import mail_dispatch
from tests.factories import UserFactory
from tests.participation.conftest import make_process

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail relay that is down."""

    def send_messages(self, email_messages):
        raise OSError("Connection refused")


def wlan(document):
    return document.versions.first().sections.get(key="wlan")


def test_a_refused_comment_e_mail_stays_in_the_outbox_and_goes_out_on_the_next_dispatch(
    settings, process, document, citizen_a, council_member, django_capture_on_commit_callbacks
):
    Follow.objects.create(user=council_member, document=document, section_key="wlan")
    settings.EMAIL_BACKEND = "tests.participation.test_notifications.RefusingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(
            user=citizen_a, process=process, section=wlan(document), body="Auch am Bahnhof?"
        )

    email = OutgoingEmail.objects.get()
    assert email.key == f"participation.comment:{comment.pk}:user:{council_member.pk}"
    assert email.status == MailStatus.PENDING
    assert email.attempts == 1
    assert "Connection refused" in email.last_error
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    mail_dispatch()

    email.refresh_from_db()
    assert email.status == MailStatus.SENT
    assert [m.to for m in mail.outbox] == [["rat@example.org"]]
    assert "Auch am Bahnhof?" in mail.outbox[0].body


def test_a_comment_that_is_rolled_back_leaves_no_e_mail(
    process, document, citizen_a, council_member
):
    Follow.objects.create(user=council_member, process=process)

    def comment_then_fail():
        with transaction.atomic():
            services.comment_create(
                user=citizen_a, process=process, section=wlan(document), body="Gleich weg"
            )
            raise RuntimeError

    with pytest.raises(RuntimeError):
        comment_then_fail()

    assert not Comment.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_premoderated_comment_is_e_mailed_when_approved_and_only_once(
    document, citizen_a, council_member, moderator, django_capture_on_commit_callbacks
):
    process = make_process("commenting", document=document, moderation="pre")
    Follow.objects.create(user=council_member, process=process)
    comment = services.comment_create(
        user=citizen_a, process=process, section=wlan(document), body="Wartet"
    )
    assert not OutgoingEmail.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=comment, moderator=moderator)
        services.comment_approve(comment=comment, moderator=moderator)

    assert [m.to for m in mail.outbox] == [["rat@example.org"]]


def test_a_status_change_e_mails_author_and_followers_each_in_their_language(
    process, field, citizen_a, citizen_b, moderator, django_capture_on_commit_callbacks
):
    citizen_b.language = "en"
    citizen_b.save(update_fields=["language"])
    proposal = services.proposal_create(
        user=citizen_a,
        process=process,
        title="Trinkbrunnen",
        description="D",
        field_of_action=field,
    )
    Follow.objects.create(user=citizen_b, proposal=proposal)

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_transition(
            proposal=proposal, actor=moderator, to_status="rejected", reason="Kein Wasseranschluss"
        )

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["alice@example.org", "bob@example.org"]
    assert "Kein Wasseranschluss" in by_address["alice@example.org"].body
    assert "Abgelehnt" in by_address["alice@example.org"].subject
    assert "Rejected" in by_address["bob@example.org"].subject
    event = proposal.events.get()
    assert set(OutgoingEmail.objects.values_list("key", flat=True)) == {
        f"participation.proposal_event:{event.pk}:user:{citizen_a.pk}",
        f"participation.proposal_event:{event.pk}:user:{citizen_b.pk}",
    }


def test_a_survey_invitation_is_in_the_outbox_with_its_link_and_the_hash_in_the_row(
    process, django_capture_on_commit_callbacks
):
    from participation.models import Survey
    from portal.tokens import token_hash

    survey = Survey.objects.create(process=process, title="Digitale Angebote", by_token=True)

    with django_capture_on_commit_callbacks(execute=True):
        token = services.survey_invite(survey=survey, email="gast@example.org", language="en")

    invitation = survey.invitations.get()
    assert invitation.token_hash == token_hash(token)
    email = OutgoingEmail.objects.get(key=f"participation.invitation:{invitation.pk}")
    assert email.status == MailStatus.SENT
    assert mail.outbox[0].to == ["gast@example.org"]
    assert f"/umfragen/{survey.pk}/einladung/{token}/" in mail.outbox[0].body
    assert "Invitation to the survey" in mail.outbox[0].subject


def test_an_inactive_follower_gets_no_e_mail(
    process, document, citizen_a, django_capture_on_commit_callbacks
):
    gone = UserFactory(email="weg@example.org", is_active=False)
    Follow.objects.create(user=gone, process=process)

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(user=citizen_a, process=process, section=wlan(document), body="x")

    assert mail.outbox == []
