"""A citizen applies online in the browser by keyboard alone: steps, a conditional field, a file,
review, receipt PDF. The office then processes the case, and the citizen sees the outcome."""

import io

import pytest
from django.contrib.auth.models import Permission
from pypdf import PdfReader

from portal.models import Department
from services import notifications
from services.models import Case, CaseStatus
from tests.e2e.conftest import choose_file_by_keyboard, login, new_page, tab_to, type_date
from tests.factories import PASSWORD
from tests.services.factories import CaseFactory
from tests.services.test_filing import jpeg_with_gps

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dog_service(db):
    from services import demo

    for slug in ("steueramt", "ordnungsamt", "umwelt", "tiefbau", "buergerbuero"):
        Department.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    demo.load(stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_citizen_applies_by_keyboard_and_follows_the_case_to_its_decision(
    browser, page, live_server, citizen_a, case_worker, dog_service, tmp_path
):
    photo = tmp_path / "sachkunde.jpg"
    photo.write_bytes(jpeg_with_gps())
    login(page, citizen_a.email, PASSWORD)
    keys = page.keyboard

    # Find the service by searching, with the keyboard only.
    page.goto("/services/")
    tab_to(page, "input[name=q]")
    keys.type("Hund")
    with page.expect_navigation():
        keys.press("Enter")
    tab_to(page, "a[href$='/services/hundeanmeldung/']")
    with page.expect_navigation():
        keys.press("Enter")
    tab_to(page, "form[action$='/beantragen/'] button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")

    # Step 1: the certificate field appears only for a listed breed; a date typed digit by digit.
    assert page.is_hidden("input[name=certificate]")
    tab_to(page, "input[name=dog_name]")
    keys.type("Bello")
    tab_to(page, "input[name=breed]")
    keys.press("ArrowDown")  # the second option of the radio group: "Listenhund"
    assert page.is_checked("input[name=breed][value=listed]")
    assert page.is_visible("input[name=certificate]")
    choose_file_by_keyboard(page, "input[name=certificate]", str(photo))
    type_date(page, "input[name=since]", 15, 1, 2026)
    assert page.watch.axe_violations() == []
    tab_to(page, "form button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")

    # Step 2: a wrong postcode is refused with a message.
    tab_to(page, "input[name=address__street]")
    keys.type("Europaplatz 1")
    tab_to(page, "input[name=address__postcode]")
    keys.type("4457")
    tab_to(page, "input[name=address__city]")
    keys.type("Castrop-Rauxel")
    with page.expect_navigation():
        keys.press("Enter")
    assert "Eine Postleitzahl hat fünf Ziffern." in page.inner_text("main")
    assert page.watch.axe_violations() == []
    tab_to(page, "input[name=address__postcode]")
    keys.press("Control+A")
    keys.type("44575")
    with page.expect_navigation():
        keys.press("Enter")

    # Review and submit.
    main = page.inner_text("main")
    assert "Bello" in main
    assert "sachkunde.jpg" in main
    assert page.watch.axe_violations() == []
    tab_to(page, "input[name=consent]")
    keys.press("Space")
    tab_to(page, "form button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")

    case = Case.objects.get(service__slug="hundeanmeldung")
    assert page.url.endswith(f"/services/antraege/{case.reference}/")
    assert case.reference in page.inner_text("main")
    assert "Antrag eingegangen" in page.inner_text("main")
    assert case.attachments.count() == 1
    assert page.watch.axe_violations() == []

    # The receipt, downloaded by keyboard, carries the reference in its text.
    tab_to(page, "a[href$='/quittung.pdf']")
    with page.expect_download() as download:
        keys.press("Enter")
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert case.reference in text
    assert "Bello" in text
    assert "sachkunde.jpg" in text

    # The office asks a question and approves the request.
    case_worker.user_permissions.add(*Permission.objects.filter(codename="view_case"))
    office = new_page(browser, live_server)
    login(office, case_worker.email, PASSWORD, mfa=True)
    office.goto(f"/admin/services/case/{case.pk}/change/")
    office.select_option("select[name=to_status]", "in_progress")
    office.click("button:has-text('Status ändern')")
    office.wait_for_load_state()
    office.fill("textarea[name=body]", "Bitte bringen Sie die Marke am Montag mit.")
    office.click("button:has-text('Nachricht senden')")
    office.wait_for_load_state()
    office.select_option("select[name=to_status]", "approved")
    office.fill("textarea[name=note]", "Der Hund ist angemeldet.")
    office.click("button:has-text('Status ändern')")
    office.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    office.context.close()

    # The citizen sees the decision, its note and the office's message.
    page.reload()
    main = page.inner_text("main")
    assert "Genehmigt" in main
    assert "Der Hund ist angemeldet." in main
    assert "Bitte bringen Sie die Marke am Montag mit." in main
    assert page.watch.axe_violations() == []
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def test_the_receipt_link_appears_without_reloading_the_page(page, live_server, citizen_a):
    case = CaseFactory(applicant=citizen_a)  # as when the worker has not yet built the receipt
    login(page, citizen_a.email, PASSWORD)
    page.goto(f"/services/antraege/{case.reference}/")
    assert "Die Eingangsbestätigung wird erstellt." in page.inner_text("main")

    notifications.receipt_build(case_id=case.pk)

    link = page.wait_for_selector("a[href$='/quittung.pdf']")
    assert "Eingangsbestätigung herunterladen" in link.inner_text()
    assert page.watch.axe_violations() == []
    assert page.watch.console_errors == []


def test_a_citizen_withdraws_a_request_by_keyboard_after_confirming(page, live_server, citizen_a):
    case = CaseFactory(applicant=citizen_a)
    login(page, citizen_a.email, PASSWORD)
    keys = page.keyboard
    page.goto(f"/services/antraege/{case.reference}/")

    # The case page only links to the question; "Abbrechen" leads back and changes nothing.
    tab_to(page, "a[href$='/zurueckziehen/']")
    with page.expect_navigation():
        keys.press("Enter")
    main = page.inner_text("main")
    assert "Möchten Sie diesen Antrag wirklich zurückziehen?" in main
    assert "kann nicht rückgängig gemacht werden" in main
    assert page.watch.axe_violations() == []
    tab_to(page, f"form a[href$='/services/antraege/{case.reference}/']")  # Abbrechen
    with page.expect_navigation():
        keys.press("Enter")
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED

    # Confirmed, it is withdrawn.
    tab_to(page, "a[href$='/zurueckziehen/']")
    with page.expect_navigation():
        keys.press("Enter")
    tab_to(page, "form[action$='/zurueckziehen/'] button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert "Ihr Antrag wurde zurückgezogen." in page.inner_text("body")
    assert page.watch.axe_violations() == []
    assert page.watch.console_errors == []
