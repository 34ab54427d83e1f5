"""Comments: pre- and post-moderation, the moderation queue, replies, agreeing, flagging."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from participation import services
from participation.models import Comment, Follow
from portal.api import ApplicationError

pytestmark = pytest.mark.django_db


def section_url(key="wlan"):
    return f"/mitmachen/konzept/abschnitt/{key}/"


def first_section(document, key="wlan"):
    return document.versions.first().sections.get(key=key)


def test_a_premoderated_comment_is_invisible_until_a_moderator_approves_it(
    client, premoderated, document, citizen_a, citizen_b, moderator
):
    client.force_login(citizen_a)
    response = client.post(section_url(), {"body": "Bitte auch WLAN am Bahnhof."}, follow=True)
    assert "nachdem eine Moderatorin" in response.content.decode() or response.status_code == 200
    comment = Comment.objects.get()
    assert comment.status == "pending"

    client.force_login(citizen_b)
    assert "Bitte auch WLAN am Bahnhof." not in client.get(section_url()).content.decode()
    client.logout()
    assert "Bitte auch WLAN am Bahnhof." not in client.get(section_url()).content.decode()

    client.force_login(moderator)
    assert "Bitte auch WLAN am Bahnhof." in client.get("/mitmachen/moderation/").content.decode()
    client.post(f"/mitmachen/moderation/{comment.pk}/freigeben/")

    client.force_login(citizen_b)
    assert "Bitte auch WLAN am Bahnhof." in client.get(section_url()).content.decode()


def test_the_author_sees_their_own_pending_comment_marked_as_waiting(
    client, premoderated, document, citizen_a
):
    client.force_login(citizen_a)
    client.post(section_url(), {"body": "Mein Hinweis."})

    page = client.get(section_url()).content.decode()

    assert "Mein Hinweis." in page
    assert "wartet auf Moderation" in page


def test_a_hidden_comment_shows_the_reason_not_the_text(
    client, process, document, citizen_a, moderator
):
    comment = services.comment_create(
        user=citizen_a,
        process=process,
        section=first_section(document),
        body="Beleidigender Text mit Telefonnummer 0123",
    )
    client.force_login(moderator)
    client.post(
        f"/mitmachen/moderation/{comment.pk}/ausblenden/",
        {"reason": "Enthielt persönliche Daten."},
    )
    client.logout()

    page = client.get(section_url()).content.decode()

    assert "Enthielt persönliche Daten." in page
    assert "Telefonnummer 0123" not in page


def test_hiding_without_a_reason_is_refused_and_changes_nothing(
    client, process, document, citizen_a, moderator
):
    comment = services.comment_create(
        user=citizen_a, process=process, section=first_section(document), body="Text"
    )
    client.force_login(moderator)

    response = client.post(
        f"/mitmachen/moderation/{comment.pk}/ausblenden/", {"reason": "  "}, follow=True
    )

    assert "Bitte geben Sie den Grund" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "visible"


def test_a_moderator_answers_as_the_city_and_the_answer_is_marked(
    client, premoderated, document, citizen_a, moderator
):
    comment = services.comment_create(
        user=citizen_a, process=premoderated, section=first_section(document), body="Wann?"
    )
    client.force_login(moderator)
    client.post(f"/mitmachen/moderation/{comment.pk}/antworten/", {"body": "Im Frühjahr."})
    client.logout()

    page = client.get(section_url()).content.decode()

    assert "Wann?" in page  # answering approves the question
    assert "Im Frühjahr." in page
    assert "Antwort der Stadt" in page
    assert Comment.objects.get(body="Im Frühjahr.").is_official


def test_citizens_cannot_moderate(client, process, document, citizen_a, citizen_b):
    comment = services.comment_create(
        user=citizen_b, process=process, section=first_section(document), body="Text"
    )
    client.force_login(citizen_a)

    assert client.get("/mitmachen/moderation/").status_code == 403
    response = client.post(f"/mitmachen/moderation/{comment.pk}/ausblenden/", {"reason": "x"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "visible"


def test_comments_are_refused_outside_the_commenting_phases(document, citizen_a):
    from tests.participation.conftest import make_process

    closed = make_process("survey", document=document)

    with pytest.raises(PermissionDenied):
        services.comment_create(
            user=citizen_a, process=closed, section=first_section(document), body="Zu spät"
        )
    assert not Comment.objects.exists()


def test_an_empty_comment_gets_a_message_and_is_not_stored(client, process, document, citizen_a):
    client.force_login(citizen_a)

    response = client.post(section_url(), {"body": ""})

    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_reply_is_threaded_and_mails_the_author_and_followers(
    client,
    process,
    document,
    citizen_a,
    citizen_b,
    council_member,
    django_capture_on_commit_callbacks,
):
    comment = services.comment_create(
        user=citizen_a, process=process, section=first_section(document), body="Frage"
    )
    Follow.objects.create(user=council_member, document=document, section_key="wlan")
    mail.outbox.clear()
    client.force_login(citizen_b)

    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(
            f"/mitmachen/kommentare/{comment.pk}/antworten/", {"body": "Antwort von Bob"}
        )

    assert with_commit.status_code == 302
    reply = Comment.objects.get(body="Antwort von Bob")
    assert reply.parent == comment
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "rat@example.org"]


def test_notifying_twice_sends_one_mail(
    process, document, citizen_a, council_member, django_capture_on_commit_callbacks
):
    from participation.services import notifications

    Follow.objects.create(user=council_member, document=document, section_key="wlan")
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(
            user=citizen_a, process=process, section=first_section(document), body="Hallo"
        )
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.comment_notify(comment=comment) == 0
    assert len(mail.outbox) == sent == 1


def test_one_agree_per_account(client, process, document, citizen_a, citizen_b):
    comment = services.comment_create(
        user=citizen_a, process=process, section=first_section(document), body="Gute Idee"
    )
    client.force_login(citizen_b)

    client.post(f"/mitmachen/kommentare/{comment.pk}/zustimmen/")
    client.post(f"/mitmachen/kommentare/{comment.pk}/zustimmen/")

    assert comment.reactions.count() == 1
    assert "1 Person stimmt zu" in client.get(section_url()).content.decode()


def test_a_flagged_comment_appears_in_the_moderation_queue(
    client, process, document, citizen_a, citizen_b, moderator
):
    comment = services.comment_create(
        user=citizen_a, process=process, section=first_section(document), body="Werbung!"
    )
    client.force_login(citizen_b)
    client.post(f"/mitmachen/kommentare/{comment.pk}/melden/", {"reason": "Spam"})
    client.force_login(moderator)

    page = client.get("/mitmachen/moderation/").content.decode()

    assert "Werbung!" in page
    assert "einmal gemeldet" in page


def test_a_hidden_comment_cannot_be_answered(process, document, citizen_a, citizen_b, moderator):
    comment = services.comment_create(
        user=citizen_a, process=process, section=first_section(document), body="x"
    )
    services.comment_hide(comment=comment, moderator=moderator, reason="Spam")

    with pytest.raises(ApplicationError):
        services.comment_create(user=citizen_b, process=process, body="y", parent=comment)


@pytest.mark.parametrize(
    ("language", "subject", "reason_label"),
    [("de", "ausgeblendet", "Grund: Beleidigung"), ("en", "hidden", "Reason: Beleidigung")],
)
def test_the_author_of_a_hidden_comment_is_told_why_in_their_language(
    client,
    process,
    document,
    citizen_a,
    moderator,
    django_capture_on_commit_callbacks,
    language,
    subject,
    reason_label,
):
    citizen_a.language = language
    citizen_a.save(update_fields=["language"])
    comment = services.comment_create(
        user=citizen_a, process=process, section=first_section(document), body="Ihr Trottel!"
    )
    mail.outbox.clear()
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mitmachen/moderation/{comment.pk}/ausblenden/", {"reason": " "})
    assert mail.outbox == []  # no reason: nothing hidden, nothing sent

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mitmachen/moderation/{comment.pk}/ausblenden/", {"reason": "Beleidigung"})

    (message,) = mail.outbox
    assert message.to == [citizen_a.email]
    assert subject in message.subject
    assert "Ihr Trottel!" in message.body
    assert reason_label in message.body
    assert f"http://127.0.0.1:8000{section_url()}" in message.body
