"""Citizens: catalogue, filing step by step, drafts, attachments, receipts, messages."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.tokens import token_hash
from services import notifications, services
from services.models import Case, CaseEvent, CaseStatus, Draft
from tests.services.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 33.0, 0.0), 3: "E", 4: (7.0, 18.0, 0.0)}  # GPS IFD
    exif[0x010F] = "Kamera GmbH"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def fill_dog_form(client, start_response, breed="mix", certificate=None):
    step1 = start_response["Location"]
    data = {"dog_name": "Bello", "breed": breed}
    if certificate is not None:
        data["certificate"] = certificate
    response = client.post(step1, data)
    step2 = response["Location"]
    return client.post(
        step2,
        {
            "since": "2026-01-15",
            "address__street": "Europaplatz 1",
            "address__postcode": "44575",
            "address__city": "Castrop-Rauxel",
        },
    )


def test_catalogue_lists_and_searches_services(client):
    ServiceFactory(name="Hund anmelden", slug="hund", search_terms="Hundesteuer")
    ServiceFactory(name="Sperrmüll", slug="sperrmuell", summary="Möbel abholen lassen.")

    everything = client.get("/services/").content.decode()
    found = client.get("/services/", {"q": "hundesteuer"}).content.decode()

    assert "Hund anmelden" in everything
    assert "Sperrmüll" in everything
    assert "Hund anmelden" in found
    assert "Sperrmüll" not in found


def test_a_citizen_files_a_request_step_by_step_and_gets_a_receipt(
    client, citizen_a, django_capture_on_commit_callbacks
):
    service = ServiceFactory()
    client.force_login(citizen_a)

    start = client.post(f"/services/{service.slug}/beantragen/")
    review = fill_dog_form(client, start)
    assert review["Location"].endswith("/pruefen/")
    page = client.get(review["Location"]).content.decode()
    assert "Bello" in page
    assert "Europaplatz 1, 44575 Castrop-Rauxel" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            review["Location"], {"applicant_name": "Alice Ahrens", "consent": "on"}
        )

    case = Case.objects.get()
    assert response["Location"] == f"/services/antraege/{case.reference}/"
    assert re.fullmatch(r"CR-\d{4}-\d{6}", case.reference)
    assert case.applicant == citizen_a
    assert case.status == CaseStatus.RECEIVED
    assert case.answers["dog_name"] == "Bello"
    assert case.events.get().kind == "submitted"
    assert not Draft.objects.exists()
    assert case.receipt.name.endswith(".pdf")
    assert len(mail.outbox) == 1
    assert case.reference in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == f"{case.reference}.pdf"
    receipt = client.get(f"/services/antraege/{case.reference}/quittung.pdf")
    assert receipt.status_code == 200
    assert b"".join(receipt.streaming_content).startswith(b"%PDF")


def test_a_conditional_field_is_required_only_when_its_condition_holds(client, citizen_a):
    service = ServiceFactory()
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")

    response = client.post(start["Location"], {"dog_name": "Rex", "breed": "listed"})

    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert Draft.objects.get().answers == {}


def test_an_attachment_is_checked_by_content_not_by_name(client, citizen_a):
    service = ServiceFactory()
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")
    fake = SimpleUploadedFile("nachweis.pdf", b"MZ\x90\x00 this is an exe", "application/pdf")

    response = client.post(
        start["Location"], {"dog_name": "Rex", "breed": "listed", "certificate": fake}
    )

    assert response.status_code == 200
    assert "hat kein erlaubtes Format (PDF, JPEG, PNG)" in response.content.decode()
    assert not Draft.objects.get().attachments.exists()


def test_an_oversized_file_is_refused(client, citizen_a):
    service = ServiceFactory()
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")
    big = SimpleUploadedFile("gross.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 1))

    response = client.post(
        start["Location"], {"dog_name": "Rex", "breed": "listed", "certificate": big}
    )

    assert response.status_code == 200
    assert "größer als 10 MB" in response.content.decode()


def test_images_are_reencoded_without_gps_data(client, citizen_a):
    service = ServiceFactory()
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")
    photo = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), "image/jpeg")

    fill_dog_form(client, start, breed="listed", certificate=photo)

    attachment = Draft.objects.get().attachments.get()
    with attachment.file.open("rb") as fh, Image.open(fh) as stored:
        exif = stored.getexif()
    assert 0x8825 not in exif
    assert 0x010F not in exif
    assert attachment.original_name == "foto.jpg"


def test_submitting_with_a_skipped_step_sends_the_citizen_back(client, citizen_a):
    service = ServiceFactory()
    client.force_login(citizen_a)
    draft, _ = services.draft_start(service=service, user=citizen_a)
    draft.step = 2
    draft.save(update_fields=["step"])

    response = client.post(
        f"/services/antrag/{draft.pk}/pruefen/", {"applicant_name": "A", "consent": "on"}
    )

    assert response["Location"] == f"/services/antrag/{draft.pk}/schritt/1/"
    assert not Case.objects.exists()


def test_anonymous_applicants_get_a_resume_link_and_a_status_link(
    client, django_capture_on_commit_callbacks
):
    service = ServiceFactory(anonymous=True)

    with django_capture_on_commit_callbacks(execute=True):
        start = client.post(f"/services/{service.slug}/beantragen/", {"email": "anna@example.org"})
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    assert mail.outbox[0].to == ["anna@example.org"]
    assert link.endswith(start["Location"])

    review = fill_dog_form(client.__class__(), start)  # a new browser: the link alone suffices
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            review["Location"],
            {"applicant_name": "Anna", "applicant_email": "anna@example.org", "consent": "on"},
        )

    case = Case.objects.get()
    assert case.applicant is None
    assert f"/services/eingang/{case.reference}/" in done["Location"]
    status_link = re.search(r"http://\S+/eingang/\S+/", mail.outbox[-1].body).group(0)
    assert client.get(status_link.split("8000", 1)[1]).status_code == 200
    assert client.get(f"/services/eingang/{case.reference}/falsch/").status_code == 404


def test_services_that_need_an_account_send_visitors_to_login(client):
    service = ServiceFactory()

    response = client.post(f"/services/{service.slug}/beantragen/", {"email": "x@example.org"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Draft.objects.exists()


# --- Personas: A's case is invisible to B, by URL guessing too ---------------------------------


@pytest.fixture
def case_of_a(citizen_a):
    case = CaseFactory(applicant=citizen_a, in_progress=True)
    notifications.receipt_build(case_id=case.pk)
    services.message_send(case=case, sender=citizen_a, body="Frage von Alice")
    return case


@pytest.mark.parametrize(
    "suffix", ["", "quittung.pdf", "quittung/", "nachricht/", "zurueckziehen/", "dateien/1/"]
)
def test_another_citizen_gets_404_for_everything_of_a_case(client, case_of_a, citizen_b, suffix):
    client.force_login(citizen_b)
    url = f"/services/antraege/{case_of_a.reference}/{suffix}"

    response = (
        client.post(url) if suffix.endswith(("nachricht/", "zurueckziehen/")) else client.get(url)
    )

    assert response.status_code == 404
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.IN_PROGRESS
    assert case_of_a.messages.count() == 1


def test_my_cases_lists_only_my_own(client, case_of_a, citizen_b):
    CaseFactory(applicant=citizen_b, reference="CR-2026-000777")
    client.force_login(citizen_b)

    page = client.get("/services/antraege/").content.decode()

    assert "CR-2026-000777" in page
    assert case_of_a.reference not in page


def test_the_status_page_shows_public_events_but_never_internal_notes(
    client, case_of_a, case_worker
):
    services.case_add_note(case=case_of_a, actor=case_worker, note="Geheim: Akte prüfen")
    services.case_transition(
        case=case_of_a, actor=case_worker, to_status="approved", note="Genehmigt."
    )
    client.force_login(case_of_a.applicant)

    page = client.get(f"/services/antraege/{case_of_a.reference}/").content.decode()

    assert "Neuer Status: Genehmigt" in page
    assert "Geheim" not in page


def test_supplying_documents_moves_a_waiting_case_back_to_in_progress(
    client, case_of_a, case_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            case=case_of_a,
            sender=case_worker,
            body="Bitte Nachweis schicken.",
            requests_documents=True,
        )
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.WAITING
    assert "Neue Nachricht" in mail.outbox[-1].subject
    client.force_login(case_of_a.applicant)

    pdf = SimpleUploadedFile("nachweis.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    client.post(
        f"/services/antraege/{case_of_a.reference}/nachricht/", {"body": "Anbei.", "files": pdf}
    )

    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.IN_PROGRESS
    assert case_of_a.events.filter(kind="documents_supplied").exists()


def test_one_email_per_event_even_when_it_is_queued_twice(
    case_of_a, case_worker, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = services.case_transition(case=case_of_a, actor=case_worker, to_status="approved")
        assert notifications.event_notify(event=event) is False  # already in the outbox

    assert len(mail.outbox) == 1


def test_status_mails_use_the_applicants_language(
    case_of_a, case_worker, django_capture_on_commit_callbacks
):
    case_of_a.language = "en"
    case_of_a.save(update_fields=["language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=case_of_a, actor=case_worker, to_status="approved")

    assert mail.outbox[0].subject == f"Your request {case_of_a.reference}: Approved"


def test_a_filed_case_keeps_its_form_version_when_the_form_changes(case_of_a):
    service = case_of_a.service
    step = service.form_steps.first()
    step.fields.create(key="chip", label="Chipnummer", type="text", order=9)

    new_version = services.form_publish(service=service, user=None)

    case_of_a.refresh_from_db()
    assert new_version.number == 2
    assert case_of_a.form_version.number == 1
    assert "chip" not in [f["key"] for f in case_of_a.form_version.fields]


def test_the_data_export_includes_my_cases(client, case_of_a):
    client.force_login(case_of_a.applicant)

    data = client.get("/accounts/profile/export/").json()

    assert data["services"]["cases"][0]["reference"] == case_of_a.reference
    assert CaseEvent.objects.filter(case=case_of_a).exists()


def test_deleting_an_account_keeps_the_case_for_the_office_without_the_link(client, case_of_a):
    from tests.factories import PASSWORD

    citizen = case_of_a.applicant
    client.force_login(citizen)

    client.post("/accounts/profile/delete/", {"password": PASSWORD, "confirm": "on"})

    case_of_a.refresh_from_db()
    assert case_of_a.applicant is None
    assert case_of_a.applicant_email == citizen.email  # the office can still send the decision


def test_a_file_of_a_field_hidden_later_is_not_kept(client, citizen_a):
    service = ServiceFactory()
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")
    pdf = SimpleUploadedFile("nachweis.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    client.post(start["Location"], {"dog_name": "Rex", "breed": "listed", "certificate": pdf})
    assert Draft.objects.get().attachments.count() == 1

    client.post(start["Location"], {"dog_name": "Rex", "breed": "mix"})

    draft = Draft.objects.get()
    assert draft.attachments.count() == 0
    assert draft.answers["breed"] == "mix"


def test_mails_follow_the_language_in_the_profile_not_the_page(
    client, citizen_a, django_capture_on_commit_callbacks
):
    citizen_a.language = "en"
    citizen_a.save(update_fields=["language"])
    service = ServiceFactory()
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")  # German pages
    review = fill_dog_form(client, start)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(review["Location"], {"applicant_name": "Alice", "consent": "on"})

    assert mail.outbox[-1].subject.startswith("Your request CR-")


def test_the_case_page_fetches_the_receipt_link_once_the_task_has_built_it(client, citizen_a):
    case = CaseFactory(applicant=citizen_a)  # the worker has not built the receipt yet
    client.force_login(citizen_a)

    page = client.get(f"/services/antraege/{case.reference}/").content.decode()
    waiting = client.get(f"/services/antraege/{case.reference}/quittung/")
    notifications.receipt_build(case_id=case.pk)
    ready = client.get(f"/services/antraege/{case.reference}/quittung/")

    assert "Die Eingangsbestätigung wird erstellt." in page
    assert f'hx-get="/services/antraege/{case.reference}/quittung/"' in page
    assert waiting.status_code == 200
    assert "quittung.pdf" not in waiting.content.decode()
    assert ready.status_code == 286  # htmx stops polling
    assert f'href="/services/antraege/{case.reference}/quittung.pdf"' in ready.content.decode()
    assert "hx-get" not in client.get(f"/services/antraege/{case.reference}/").content.decode()


def test_an_anonymous_status_page_polls_with_its_token_only(client):
    case = CaseFactory(applicant=None)
    token = "geheim-token-123"
    case.access_token_hash = token_hash(token)
    case.save(update_fields=["access_token_hash"])
    notifications.receipt_build(case_id=case.pk)

    ready = client.get(f"/services/eingang/{case.reference}/{token}/quittung/")
    wrong = client.get(f"/services/eingang/{case.reference}/falsch/quittung/")

    assert ready.status_code == 286
    assert f"/services/eingang/{case.reference}/{token}/quittung.pdf" in ready.content.decode()
    assert wrong.status_code == 404


def test_staff_see_their_own_applications_under_my_cases(client, case_worker, other_office):
    own = CaseFactory(applicant=case_worker, department=other_office, reference="CR-2026-000555")
    client.force_login(case_worker)

    page = client.get("/services/antraege/").content.decode()
    detail = client.get(f"/services/antraege/{own.reference}/")
    api = client.get("/api/v1/services/cases/")

    assert own.reference in page
    assert detail.status_code == 200
    assert [c["reference"] for c in api.json()] == [own.reference]
