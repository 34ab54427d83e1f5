"""A message to the office carries several documents, as its hint says; each is checked."""

import pytest

from tests.services.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_of_a(citizen_a):
    return CaseFactory(applicant=citizen_a)


def test_a_citizen_sends_several_documents_with_one_message(client, case_of_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(case_of_a.applicant)
    page = client.get(f"/services/antraege/{case_of_a.reference}/").content.decode()
    pdf = b"%PDF-1.4\n%%EOF\n"

    response = client.post(
        f"/services/antraege/{case_of_a.reference}/nachricht/",
        {
            "body": "Anbei beide Nachweise.",
            "files": [
                SimpleUploadedFile("erster.pdf", pdf, "application/pdf"),
                SimpleUploadedFile("zweiter.pdf", pdf, "application/pdf"),
            ],
        },
        follow=True,
    )

    assert 'name="files"' in page
    assert "multiple" in page.split('name="files"')[1].split(">")[0]
    message = case_of_a.messages.get()
    assert sorted(message.attachments.values_list("original_name", flat=True)) == [
        "erster.pdf",
        "zweiter.pdf",
    ]
    assert "Ihre Nachricht wurde an das Amt gesendet." in response.content.decode()


def test_one_bad_file_among_several_sends_nothing(client, case_of_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(case_of_a.applicant)

    response = client.post(
        f"/services/antraege/{case_of_a.reference}/nachricht/",
        {
            "body": "Anbei.",
            "files": [
                SimpleUploadedFile("gut.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
                SimpleUploadedFile("boese.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            ],
        },
        follow=True,
    )

    assert not case_of_a.messages.exists()
    assert "boese.pdf" in response.content.decode()
