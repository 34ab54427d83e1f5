"""English pages in a real browser: the catalogue and a project read in English, German content
without an English text is marked as German, and the pages pass axe-core."""

import os

import pytest

from tests.factories import DepartmentFactory
from tests.services.factories import CategoryFactory, ServiceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content(db):
    from participation import demo

    with open(os.devnull, "w") as devnull:
        demo.load(stdout=devnull)
    category = CategoryFactory(slug="tiere", name="Tiere", name_en="Animals")
    department = DepartmentFactory(slug="steuer", name="Steueramt", name_en="Tax office")
    ServiceFactory(
        slug="hund",
        name="Hund anmelden",
        name_en="Register a dog",
        summary_en="Register your dog for the dog tax.",
        category=category,
        department=department,
    )
    ServiceFactory(slug="sperrmuell", name="Sperrmüll", category=category, department=department)


def test_english_pages_read_in_english_mark_german_text_and_pass_axe(page, content):
    page.goto("/en/services/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Animals").is_visible()
    assert page.get_by_role("link", name="Register a dog").is_visible()
    assert page.get_by_role("link", name="Sperrmüll").get_attribute("lang") == "de"
    assert page.watch.axe_violations() == [], page.url

    page.goto("/en/mitmachen/projekte/freies-wlan/")
    assert page.locator("h1").inner_text() == "Free WiFi"
    assert page.get_by_text("Old town and Europaplatz").is_visible()
    assert page.get_by_text("Progress is at 100 per cent.").is_visible()
    assert page.watch.axe_violations() == [], page.url

    page.goto("/en/mitmachen/konzept/")
    assert page.locator("h1").inner_text() == "Digital European city in the green"
    assert page.locator("#concept-language-note").is_visible()
    assert page.watch.axe_violations() == [], page.url
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
