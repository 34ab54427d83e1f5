"""GDPR: the export contains a person's participation; deleting the account anonymises it.

Decision: comments stay in the discussion without a name ("Former participant"), because
replies refer to them; proposals and survey responses stay anonymised as well, so results do
not change after publication. Supports, agrees, flags and follows are deleted with the account.
"""

import pytest

from participation import services
from participation.models import (
    Comment,
    Follow,
    Proposal,
    ProposalSupport,
    Question,
    Response,
    Survey,
)
from portal import selectors as portal_selectors
from portal import services as portal_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(process, document, field, citizen_a, citizen_b):
    section = document.versions.first().sections.get(key="wlan")
    services.comment_create(user=citizen_a, process=process, section=section, body="Mein Kommentar")
    proposal = services.proposal_create(
        user=citizen_a,
        process=process,
        title="Mein Vorschlag",
        description="D",
        field_of_action=field,
    )
    other = services.proposal_create(
        user=citizen_b,
        process=process,
        title="Bobs Vorschlag",
        description="D",
        field_of_action=field,
    )
    services.proposal_support(user=citizen_a, proposal=other)
    survey = Survey.objects.create(process=process, title="Umfrage")
    q = Question.objects.create(survey=survey, text="Wie wichtig?", kind="scale")
    services.survey_respond(survey=survey, user=citizen_a, answers={q.pk: 4})
    return proposal


def test_the_export_contains_comments_proposals_supports_and_responses(activity, citizen_a):
    data = portal_selectors.user_personal_data(user=citizen_a)["participation"]

    assert [c["body"] for c in data["comments"]] == ["Mein Kommentar"]
    assert [p["title"] for p in data["proposals"]] == ["Mein Vorschlag"]
    assert [s["proposal"] for s in data["supports"]] == ["Bobs Vorschlag"]
    assert data["survey_responses"][0]["answers"] == {"Wie wichtig?": 4}
    assert data["follows"]  # the own proposal is followed


def test_the_export_of_another_person_contains_none_of_it(activity, citizen_b):
    data = portal_selectors.user_personal_data(user=citizen_b)["participation"]

    assert data["comments"] == []
    assert data["survey_responses"] == []
    assert [p["title"] for p in data["proposals"]] == ["Bobs Vorschlag"]


def test_deleting_the_account_anonymises_comments_and_removes_supports(client, activity, citizen_a):
    portal_services.user_delete(user=citizen_a)

    comment = Comment.objects.get(body="Mein Kommentar")
    assert comment.author is None
    assert Proposal.objects.get(title="Mein Vorschlag").author is None
    assert not ProposalSupport.objects.exists()
    assert Response.objects.get().user is None
    assert not Follow.objects.filter(user_id=citizen_a.pk).exists()
    page = client.get("/mitmachen/konzept/abschnitt/wlan/").content.decode()
    assert "Ehemalige Teilnehmerin oder ehemaliger Teilnehmer" in page
    assert "Alice" not in page
