"""The catalogue in English: /en/ shows the English names of services, categories and
departments, the German text (marked lang="de") where no English one exists; search and
Open311 follow the language; editors fill both languages in the admin."""

import pytest

from tests.factories import DepartmentFactory
from tests.services.factories import CategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dog(db):
    return ServiceFactory(
        slug="hund",
        name="Hund anmelden",
        name_en="Register a dog",
        summary="Hundesteuer anmelden.",
        summary_en="Register your dog for the dog tax.",
        category=CategoryFactory(slug="tiere", name="Tiere", name_en="Animals"),
        department=DepartmentFactory(slug="steuer", name="Steueramt", name_en="Tax office"),
        anonymous=True,
    )


def test_english_pages_show_the_english_service_category_and_department(client, dog):
    index = client.get("/en/services/").content.decode()
    detail = client.get("/en/services/hund/").content.decode()

    assert 'class="kern-heading-medium">Animals</h2>' in index
    assert 'href="/en/services/hund/">Register a dog</a>' in index
    assert "<span>Tax office</span>" in index
    assert '<h1 class="kern-heading-x-large">Register a dog</h1>' in detail
    assert "Register your dog for the dog tax." in detail
    assert "Hund anmelden" not in detail
    german = client.get("/services/hund/").content.decode()
    assert '<h1 class="kern-heading-x-large">Hund anmelden</h1>' in german
    assert "<span>Steueramt</span>" in german


def test_an_untranslated_service_shows_its_german_text_marked_as_german(client, dog):
    ServiceFactory(slug="sperrmuell", name="Sperrmüll", category=dog.category)

    index = client.get("/en/services/").content.decode()
    detail = client.get("/en/services/sperrmuell/").content.decode()

    assert 'href="/en/services/sperrmuell/" lang="de">Sperrmüll</a>' in index
    assert '<h1 class="kern-heading-x-large" lang="de">Sperrmüll</h1>' in detail
    assert (
        '<h1 class="kern-heading-x-large" lang="de">'
        not in client.get("/en/services/hund/").content.decode()
    )


def test_the_catalogue_search_finds_english_and_german_words(client, dog):
    found = client.get("/en/services/", {"q": "dog tax"}).content.decode()
    also = client.get("/en/services/", {"q": "Hund"}).content.decode()
    nothing = client.get("/en/services/", {"q": "Parkausweis"}).content.decode()

    assert "Register a dog" in found
    assert "Register a dog" in also
    assert "Register a dog" not in nothing


def test_open311_lists_services_in_the_requested_language(client, dog):
    german = client.get("/open311/v2/services.json").json()
    english = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en").json()

    def entry(rows):
        return next(row for row in rows if row["service_code"] == "hund")

    assert (entry(german)["service_name"], entry(german)["group"]) == ("Hund anmelden", "Tiere")
    assert (entry(english)["service_name"], entry(english)["group"]) == (
        "Register a dog",
        "Animals",
    )


def test_the_admin_edits_both_languages_and_keeps_the_history(client, staff_with_mfa, dog):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)

    page = client.get(f"/admin/services/servicecategory/{dog.category.pk}/change/")
    html = page.content.decode()
    assert 'name="name_de"' in html
    assert 'name="name_en"' in html

    response = client.post(
        f"/admin/services/servicecategory/{dog.category.pk}/change/",
        {"name_de": "Tiere", "name_en": "Pets", "slug": "tiere", "order": 0},
    )
    assert response.status_code == 302
    dog.category.refresh_from_db()
    assert (dog.category.name_de, dog.category.name_en) == ("Tiere", "Pets")
    assert dog.category.history.first().name_en == "Pets"
