"""Markup typed into any text field is shown as the text it is: in pages, e-mails and the PDF."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from pypdf import PdfReader

from services import services
from services.models import Case
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>Bello</b>"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def hostile_case(client, citizen_a, tax_office, case_worker, django_capture_on_commit_callbacks):
    """Alice files with markup in her answers, her name and a message; the office answers
    with markup in a message and a decision note."""
    service = ServiceFactory(department=tax_office)
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")
    step2 = client.post(start["Location"], {"dog_name": BOLD, "breed": "mix"})["Location"]
    review = client.post(
        step2,
        {
            "since": "2026-01-15",
            "address__street": "Europaplatz 1",
            "address__postcode": "44575",
            "address__city": "Castrop-Rauxel",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review["Location"], {"applicant_name": f"Alice {SCRIPT}", "consent": "on"})
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/services/antraege/{case.reference}/nachricht/", {"body": f"Frage {SCRIPT}"})
        services.message_send(case=case, sender=case_worker, body=f"Antwort {SCRIPT}")
        services.case_transition(
            case=case, actor=case_worker, to_status="in_progress", note=f"Notiz {BOLD}"
        )
    return case


def test_the_form_keeps_markup_as_the_citizen_typed_it(hostile_case):
    assert hostile_case.answers["dog_name"] == BOLD  # stored verbatim, escaped on output
    assert hostile_case.applicant_name == f"Alice {SCRIPT}"


def test_the_citizens_pages_show_markup_as_text(client, hostile_case):
    page = client.get(f"/services/antraege/{hostile_case.reference}/").content.decode()
    listing = client.get("/services/antraege/").content.decode()

    for html in (page, listing):
        assert SCRIPT not in html
        assert BOLD not in html
    assert "&lt;b&gt;Bello&lt;/b&gt;" in page
    assert "Antwort &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Notiz &lt;b&gt;Bello&lt;/b&gt;" in page


def test_the_case_workers_page_shows_markup_as_text(client, hostile_case, case_worker):
    case_worker.user_permissions.add(*Permission.objects.filter(codename="view_case"))
    client.force_login(case_worker)

    html = client.get(f"/admin/services/case/{hostile_case.pk}/change/").content.decode()
    listing = client.get("/admin/services/case/").content.decode()

    for page in (html, listing):
        assert SCRIPT not in page
        assert BOLD not in page
    assert "Alice &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Frage &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_receipt_prints_markup_as_text(hostile_case):
    with hostile_case.receipt.open("rb") as fh:
        text = pdf_text(fh.read())

    assert hostile_case.reference in text
    assert BOLD in text  # the characters, not bold type
    assert f"Alice {SCRIPT}" in text


def test_plain_text_mails_carry_the_characters_not_html_entities(hostile_case):
    bodies = "\n".join(m.body for m in mail.outbox)
    subjects = "\n".join(m.subject for m in mail.outbox)

    assert f"Alice {SCRIPT}" in bodies  # the salutation
    assert f"Notiz {BOLD}" in bodies  # the decision note
    assert "&lt;" not in bodies
    assert "&lt;" not in subjects
    assert all(
        m.content_subtype == "plain" and not getattr(m, "alternatives", []) for m in mail.outbox
    )
