"""A citizen applies online in the browser: steps, a conditional field, a file, review, receipt."""

import pytest

from portal.models import Department
from services.models import Case
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.services.test_filing import jpeg_with_gps

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dog_service(db):
    from services import demo

    for slug in ("steueramt", "ordnungsamt", "umwelt", "tiefbau", "buergerbuero"):
        Department.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    demo.load(stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_citizen_applies_for_a_dog_licence_in_the_browser(
    page, live_server, citizen_a, dog_service, tmp_path
):
    photo = tmp_path / "sachkunde.jpg"
    photo.write_bytes(jpeg_with_gps())
    login(page, citizen_a.email, PASSWORD)

    page.goto("/services/")
    page.fill("input[name=q]", "Hund")
    page.click("button:has-text('Suchen')")
    page.click("a:has-text('Hund anmelden')")
    page.click("button:has-text('Online beantragen')")
    page.wait_for_load_state()

    # Step 1: the certificate field appears only for a listed breed.
    assert page.is_hidden("input[name=certificate]")
    page.fill("input[name=dog_name]", "Bello")
    page.check("input[name=breed][value=listed]")
    assert page.is_visible("input[name=certificate]")
    page.set_input_files("input[name=certificate]", str(photo))
    page.fill("input[name=since]", "2026-01-15")
    assert page.watch.axe_violations() == []
    page.click("button:has-text('Speichern und weiter')")

    # Step 2: address; a wrong postcode is refused with a message.
    page.fill("input[name=address__street]", "Europaplatz 1")
    page.fill("input[name=address__postcode]", "4457")
    page.fill("input[name=address__city]", "Castrop-Rauxel")
    page.click("button:has-text('Speichern und prüfen')")
    assert "Eine Postleitzahl hat fünf Ziffern." in page.inner_text("main")
    assert page.watch.axe_violations() == []
    page.fill("input[name=address__postcode]", "44575")
    page.click("button:has-text('Speichern und prüfen')")

    # Review and submit.
    assert "Bello" in page.inner_text("main")
    assert "sachkunde.jpg" in page.inner_text("main")
    assert page.watch.axe_violations() == []
    page.check("input[name=consent]")
    page.click("button:has-text('Antrag absenden')")

    case = Case.objects.get(service__slug="hundeanmeldung")
    assert page.url.endswith(f"/services/antraege/{case.reference}/")
    assert case.reference in page.inner_text("main")
    assert "Antrag eingegangen" in page.inner_text("main")
    assert case.attachments.count() == 1
    assert page.watch.axe_violations() == []
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
