"""English pages of the participation platform show the English metadata (projects, milestones,
surveys, the concept's title), German where no English text exists, marked lang="de"; the
council's text stays German and the English concept page says so."""

from datetime import date

import pytest

from participation import services
from participation.models import FieldOfAction, Milestone, Project, Question, Survey
from tests.factories import UserFactory
from tests.participation.conftest import make_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    field = FieldOfAction.objects.create(
        slug="infrastruktur", name="Digitale Infrastruktur", name_en="Digital infrastructure"
    )
    project = Project.objects.create(
        slug="freies-wlan",
        title="Freies WLAN",
        title_en="Free WiFi",
        summary="Kostenloses WLAN in der Innenstadt.",
        summary_en="Free WiFi in the town centre.",
        field_of_action=field,
        responsible_office="Stabsstelle Digitalisierung",
    )
    Milestone.objects.create(
        project=project, title="Altstadt", title_en="Old town", due_date=date(2026, 5, 1)
    )
    Milestone.objects.create(
        project=project, title="Rathaus und Bibliothek", due_date=date(2027, 1, 1)
    )
    return project


def test_the_english_project_page_shows_the_english_project_and_milestone(client, project):
    english = client.get("/en/mitmachen/projekte/freies-wlan/").content.decode()
    german = client.get("/mitmachen/projekte/freies-wlan/").content.decode()

    assert '<h1 id="project-title" class="kern-heading-x-large">Free WiFi</h1>' in english
    assert "Free WiFi in the town centre." in english
    assert "<span>Old town</span>" in english
    assert "<dd>Digital infrastructure</dd>" in english
    assert '<h1 id="project-title" class="kern-heading-x-large">Freies WLAN</h1>' in german
    assert "<span>Altstadt</span>" in german


def test_an_untranslated_milestone_shows_german_marked_as_german(client, project):
    english = client.get("/en/mitmachen/projekte/freies-wlan/").content.decode()

    assert '<span lang="de">Rathaus und Bibliothek</span>' in english
    german = client.get("/mitmachen/projekte/freies-wlan/").content.decode()
    assert '<span lang="de">' not in german


def test_the_english_survey_shows_english_questions_and_stores_the_german_option(client, citizen_a):
    process = make_process("survey")
    survey = Survey.objects.create(
        process=process, title="Digitale Angebote", title_en="Digital services"
    )
    question = Question.objects.create(
        survey=survey,
        order=1,
        text="Wo wünschen Sie sich WLAN?",
        text_en="Where would you like WiFi?",
        kind="single",
        choices="Bahnhof\nParks",
        choices_en="Station\nParks",
    )
    client.force_login(citizen_a)

    page = client.get(f"/en/mitmachen/umfragen/{survey.pk}/").content.decode()
    assert '<h1 class="kern-heading-x-large">Digital services</h1>' in page
    assert "Where would you like WiFi?" in page
    assert "Station" in page
    assert ">Bahnhof<" not in page

    client.post(f"/en/mitmachen/umfragen/{survey.pk}/", {f"q{question.pk}": "Bahnhof"})
    assert question.answers.get().value == "Bahnhof"
    overview = client.get("/en/mitmachen/").content.decode()
    assert "Digital services" in overview


def test_the_english_concept_page_says_the_councils_text_is_german(client, document):
    document.title_en = "Digital European city in the green"
    document.save(update_fields=["title_en"])

    english = client.get("/en/mitmachen/konzept/").content.decode()
    german = client.get("/mitmachen/konzept/").content.decode()

    assert 'class="kern-heading-x-large">Digital European city in the green</h1>' in english
    assert "published in German only" in english
    assert 'id="concept-language-note"' not in german
    assert 'lang="de">1.1 Freies WLAN</h3>' in english


def test_the_survey_csv_header_is_in_the_page_language(client, citizen_a):
    process = make_process("survey")
    survey = Survey.objects.create(process=process, title="Umfrage")
    question = Question.objects.create(
        survey=survey, order=1, text="Wie wichtig?", text_en="How important?", kind="scale"
    )
    services.survey_respond(survey=survey, user=citizen_a, answers={question.pk: 4})
    client.force_login(UserFactory(email="amt@stadt.example", staff=True))

    def header(prefix: str) -> str:
        response = client.get(f"{prefix}/mitmachen/umfragen/{survey.pk}/export.csv")
        return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]

    assert header("") == "Antwort;Eingegangen am;Wie wichtig?"
    assert header("/en") == "Response;Submitted at;How important?"


def test_the_admin_offers_german_and_english_fields_with_german_labels(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)

    page = client.get("/admin/participation/survey/add/").content.decode()

    assert 'name="title_de"' in page
    assert 'name="title_en"' in page
    assert 'name="questions-__prefix__-text_en"' in page
    assert "Beteiligungsverfahren:" in page
    assert ">Process:<" not in page
