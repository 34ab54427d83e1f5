"""Surveys: answering, required questions, one response per account or token, results, CSV."""

import csv
import io

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from participation import services
from participation.models import Question, Response, Survey
from portal.api import ApplicationError
from tests.factories import UserFactory
from tests.participation.conftest import make_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(process):
    return make_survey(process)


def make_survey(process, **kw):
    survey = Survey.objects.create(process=process, title="Digitale Angebote", **kw)
    Question.objects.create(
        survey=survey, order=1, text="Lieblingsdienst?", kind="single", choices="WLAN\nApp"
    )
    Question.objects.create(
        survey=survey, order=2, text="Wo WLAN?", kind="multiple", choices="Park\nBahnhof",
        required=False,
    )  # fmt: skip
    Question.objects.create(survey=survey, order=3, text="Wie wichtig?", kind="scale")
    Question.objects.create(survey=survey, order=4, text="Sonst noch?", kind="text", required=False)
    return survey


def form_data(survey, single="WLAN", multiple=("Park",), scale="4", text="Mehr Bänke"):
    q = {x.order: f"q{x.pk}" for x in survey.questions.all()}
    return {q[1]: single, q[2]: list(multiple), q[3]: scale, q[4]: text}


def test_a_citizen_answers_the_survey_once(client, survey, citizen_a):
    client.force_login(citizen_a)

    client.post(f"/mitmachen/umfragen/{survey.pk}/", form_data(survey))
    page = client.get(f"/mitmachen/umfragen/{survey.pk}/").content.decode()

    response = Response.objects.get()
    assert response.user == citizen_a
    assert {a.question.order: a.value for a in response.answers.all()} == {
        1: "WLAN",
        2: ["Park"],
        3: 4,
        4: "Mehr Bänke",
    }
    assert "bereits an dieser Umfrage teilgenommen" in page


def test_a_missing_required_answer_gets_a_message_and_stores_nothing(client, survey, citizen_a):
    client.force_login(citizen_a)

    response = client.post(f"/mitmachen/umfragen/{survey.pk}/", form_data(survey, scale=""))

    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Response.objects.exists()


def test_one_response_per_account_is_enforced_by_the_database(survey, citizen_a):
    Response.objects.create(survey=survey, user=citizen_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, user=citizen_a)


def test_answering_twice_is_refused(survey, citizen_a):
    answers = {q.pk: v for q, v in zip(survey.questions.all(), ["App", [], 2, ""], strict=True)}
    services.survey_respond(survey=survey, user=citizen_a, answers=answers)

    with pytest.raises(ApplicationError, match=r"bereits|already"):
        services.survey_respond(survey=survey, user=citizen_a, answers=answers)
    assert Response.objects.count() == 1


def test_an_answer_outside_the_offered_choices_is_refused(survey, citizen_a):
    answers = {q.pk: v for q, v in zip(survey.questions.all(), ["Kino", [], 9, ""], strict=True)}

    with pytest.raises(ApplicationError):
        services.survey_respond(survey=survey, user=citizen_a, answers=answers)
    assert not Response.objects.exists()


def test_an_emailed_token_answers_once_without_an_account(
    client, process, django_capture_on_commit_callbacks
):
    survey = make_survey(process, by_token=True)
    with django_capture_on_commit_callbacks(execute=True):
        token = services.survey_invite(survey=survey, email="gast@example.org")
    assert token in mail.outbox[-1].body
    url = f"/mitmachen/umfragen/{survey.pk}/einladung/{token}/"

    client.post(url, form_data(survey))
    second = client.post(url, form_data(survey), follow=True)

    assert Response.objects.get().user is None
    assert "bereits an dieser Umfrage teilgenommen" in second.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, token_hash=Response.objects.get().token_hash)


def test_results_are_shown_as_numbers_after_the_survey_phase(client, document, citizen_a):
    running = make_process("survey", document=document)
    survey = make_survey(running)
    for n, choice in enumerate(["WLAN", "WLAN", "App"]):
        answers = dict(
            zip([q.pk for q in survey.questions.all()], [choice, [], 5, ""], strict=True)
        )
        services.survey_respond(
            survey=survey, user=UserFactory(email=f"r{n}@example.org"), answers=answers
        )
    client.force_login(citizen_a)
    before = client.get(f"/mitmachen/umfragen/{survey.pk}/ergebnisse/")
    assert before.status_code == 302

    running.phases.filter(kind="survey").update(
        starts_at=running.phase_of("survey").starts_at.replace(year=2000),
        ends_at=running.phase_of("survey").starts_at.replace(year=2001),
    )
    page = client.get(f"/mitmachen/umfragen/{survey.pk}/ergebnisse/").content.decode()

    assert "3 Antworten" in page
    assert "67 %" in page
    assert "33 %" in page
    assert "Durchschnitt: 5,0 von 5" in page or "Durchschnitt: 5.0 von 5" in page


def test_staff_export_the_responses_as_csv(client, survey, citizen_a):
    answers = {
        q.pk: v
        for q, v in zip(
            survey.questions.all(), ["App", ["Park", "Bahnhof"], 3, "Bänke"], strict=True
        )
    }
    services.survey_respond(survey=survey, user=citizen_a, answers=answers)
    client.force_login(citizen_a)
    assert client.get(f"/mitmachen/umfragen/{survey.pk}/export.csv").status_code == 403

    client.force_login(UserFactory(email="amt@stadt.example", staff=True))
    response = client.get(f"/mitmachen/umfragen/{survey.pk}/export.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Lieblingsdienst?" in text.splitlines()[0]
    assert 'App;"Park; Bahnhof";3;Bänke' in text
    assert "alice" not in text


def test_staff_invite_by_email_and_a_wrong_address_changes_nothing(
    client, process, django_capture_on_commit_callbacks
):
    survey = make_survey(process, by_token=True)
    client.force_login(UserFactory(email="amt@stadt.example", staff=True))
    url = f"/mitmachen/umfragen/{survey.pk}/einladen/"

    refused = client.post(url, {"emails": "gast@example.org\nkeine-adresse"})
    assert "Keine E-Mail-Adresse: keine-adresse" in refused.content.decode()
    assert not survey.invitations.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"emails": "gast@example.org\nnachbar@example.org"})

    assert survey.invitations.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["gast@example.org", "nachbar@example.org"]
    assert "/einladung/" in mail.outbox[0].body


def test_the_csv_export_neutralises_a_formula_typed_by_a_citizen(client, survey, citizen_a):
    questions = list(survey.questions.all())
    formula = '=HYPERLINK("http://evil.example","Klick")'
    services.survey_respond(
        survey=survey,
        user=citizen_a,
        answers=dict(zip([q.pk for q in questions], ["App", [], 3, formula], strict=True)),
    )
    client.force_login(UserFactory(email="amt@stadt.example", staff=True))

    response = client.get(f"/mitmachen/umfragen/{survey.pk}/export.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = text.splitlines()[1]
    assert row.endswith('"\'=HYPERLINK(""http://evil.example"",""Klick"")"')
    assert ";=" not in row
    assert text.endswith("\r\n")  # the spreadsheet flavour: semicolons, CRLF, a BOM


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_the_survey_export(client, survey, citizen_a, start):
    questions = list(survey.questions.all())
    formula = f"{start}=1+cmd|' /C calc'!A0"
    services.survey_respond(
        survey=survey,
        user=citizen_a,
        answers=dict(zip([q.pk for q in questions], ["App", [], 3, formula], strict=True)),
    )
    client.force_login(UserFactory(email="amt@stadt.example", staff=True))

    response = client.get(f"/mitmachen/umfragen/{survey.pk}/export.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][-1] == "'" + formula.strip()  # answers are stored without outer blanks


def test_answers_by_invitation_link_are_limited_per_ip(client, process, settings):
    settings.RATE_LIMIT_IP = "2/h"
    survey = make_survey(process, by_token=True)
    tokens = [services.survey_invite(survey=survey, email=f"g{n}@example.org") for n in range(3)]
    for token in tokens[:2]:
        client.post(f"/mitmachen/umfragen/{survey.pk}/einladung/{token}/", form_data(survey))

    response = client.post(
        f"/mitmachen/umfragen/{survey.pk}/einladung/{tokens[2]}/", form_data(survey)
    )

    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert Response.objects.count() == 2
