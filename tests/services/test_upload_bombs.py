"""A decompression bomb is refused, with a clear German message, at every upload point."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from services.models import Attachment, Case, Draft
from tests.factories import BOMB_REFUSED, bomb_png
from tests.services.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def bomb(name="bombe.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, bomb_png(), "image/png")


def test_a_bomb_is_refused_as_an_application_attachment(client, citizen_a):
    service = ServiceFactory()
    client.force_login(citizen_a)
    start = client.post(f"/services/{service.slug}/beantragen/")

    response = client.post(
        start["Location"], {"dog_name": "Rex", "breed": "listed", "certificate": bomb()}
    )

    assert response.status_code == 200
    assert f"Das Bild „bombe.png“ {BOMB_REFUSED}" in response.content.decode()
    assert not Attachment.objects.exists()
    assert Draft.objects.get().answers == {}


def test_a_bomb_is_refused_as_a_defect_photo(client, defect_service):
    response = client.post(
        "/services/maengel/melden/",
        {
            "category": "road",
            "latitude": "51.5608",
            "longitude": "7.2951",
            "description": "Schlagloch",
            "photos": [bomb("loch.png")],
            "email": "ronja@example.org",
        },
    )

    assert response.status_code == 200
    assert f"Das Bild „loch.png“ {BOMB_REFUSED}" in response.content.decode()
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_a_bomb_is_refused_in_a_citizens_message(client, citizen_a):
    case = CaseFactory(applicant=citizen_a)
    client.force_login(citizen_a)

    response = client.post(
        f"/services/antraege/{case.reference}/nachricht/",
        {"body": "Anbei", "files": bomb()},
        follow=True,
    )

    assert f"Das Bild „bombe.png“ {BOMB_REFUSED}" in response.content.decode()
    assert not case.messages.exists()
    assert not Attachment.objects.exists()


def test_a_bomb_is_refused_in_a_message_from_the_office(client, case_worker, tax_office):
    case = CaseFactory(department=tax_office)
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    client.force_login(case_worker)

    response = client.post(
        f"/admin/services/case/{case.pk}/aktion/message/",
        {"body": "Anbei", "file": bomb()},
        follow=True,
    )

    assert f"Das Bild „bombe.png“ {BOMB_REFUSED}" in response.content.decode()
    assert not case.messages.exists()
    assert not Attachment.objects.exists()
