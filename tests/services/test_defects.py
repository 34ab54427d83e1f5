"""Mängelmelder: reporting, routing, the public view without personal data, followers,
duplicates, released photos and reopening."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.api import ApplicationError
from portal.models import OutgoingEmail
from services import defects, services
from services.models import CaseStatus, DefectFollower, DefectReport, DefectRoute
from tests.services.test_filing import jpeg_with_gps


def confirmation_link(message) -> str:
    """The path of the confirmation link in a follow confirmation e-mail."""
    return re.search(r"https?://[^/\s]+(/\S+/folgen/\S+/)", message.body).group(1)


def report_confirmation_link(reference: str) -> str:
    """The path of the link in the newest e-mail that asks to confirm report ``reference``."""
    message = OutgoingEmail.objects.filter(subject__contains=reference, key__contains=":confirm:")
    body = message.latest("pk").body
    return re.search(r"https?://[^/\s]+(/\S*maengel/bestaetigen/\S+/)", body).group(1)


def confirm_report(client, reference: str):
    """Open the confirmation link of report ``reference`` and press its button."""
    return client.post(report_confirmation_link(reference))


pytestmark = pytest.mark.django_db

REPORTER_NAME = "Ronja Räuber"
REPORTER_EMAIL = "ronja.raeuber@example.org"


def report(**overrides) -> DefectReport:
    data = {
        "category": "road",
        "description": "Schlagloch vor Hausnummer 3",
        "latitude": 51.555000,
        "longitude": 7.312000,
        "address": "Lönsstraße 3",
        "photos": [],
        "email": REPORTER_EMAIL,
        "name": REPORTER_NAME,
        "user": None,
        "language": "de",
        # Most tests here are about a public report: its address counts as confirmed. The
        # double opt-in itself is tested in test_defect_confirmation.py.
        "email_confirmed": True,
    }
    data.update(overrides)
    return defects.report_submit(**data)


def test_a_report_is_a_case_routed_by_its_category(defect_service, client):
    photo = SimpleUploadedFile("loch.jpg", jpeg_with_gps(), "image/jpeg")
    response = client.post(
        "/services/maengel/melden/",
        {
            "category": "dumping",
            "latitude": "51.5608",
            "longitude": "7.2951",
            "address": "",
            "description": "Müll am Waldrand",
            "photos": [photo],
            "email": REPORTER_EMAIL,
            "name": REPORTER_NAME,
        },
    )

    found = DefectReport.objects.get()
    assert response["Location"] == f"/services/maengel/{found.case.reference}/bitte-bestaetigen/"
    assert found.case.service.slug == "maengelmelder"
    assert found.case.department == DefectRoute.objects.get(category="dumping").department
    assert found.case.applicant_email == REPORTER_EMAIL
    assert found.case.attachments.count() == 1
    assert confirm_report(client, found.case.reference)["Location"] == found.get_absolute_url()
    assert list(found.followers.values_list("email", flat=True)) == [REPORTER_EMAIL]


def test_a_report_needs_a_place(defect_service, client):
    response = client.post(
        "/services/maengel/melden/",
        {"category": "road", "description": "irgendwo", "email": REPORTER_EMAIL},
    )

    assert "Bitte markieren Sie den Ort auf der Karte" in response.content.decode()
    assert not DefectReport.objects.exists()


def test_no_public_page_or_api_shows_personal_data(defect_service, client):
    found = report(photos=[SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg")])
    ref = found.case.reference
    urls = [
        "/services/maengel/",
        f"/services/maengel/{ref}/",
        "/services/maengel/karte.json",
        "/services/maengel/in-der-naehe.json?lat=51.555&lon=7.312&kategorie=road",
        "/en/services/maengel/",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert ref in body, url
        assert REPORTER_NAME not in body, url
        assert REPORTER_EMAIL not in body, url


def test_photos_are_public_only_after_release(defect_service, client, case_worker):
    found = report(photos=[SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg")])
    photo = found.case.attachments.get()
    url = f"/services/maengel/{found.case.reference}/fotos/{photo.pk}/"
    assert client.get(url).status_code == 404
    assert url not in client.get(found.get_absolute_url()).content.decode()

    found.case.department.members.add(case_worker)
    defects.photo_release(attachment=photo, actor=case_worker)

    assert client.get(url).status_code == 200
    assert url in client.get(found.get_absolute_url()).content.decode()


def test_open_reports_of_the_same_kind_within_50_m_are_suggested(defect_service):
    near = report()
    report(latitude=51.555600, longitude=7.312000)  # about 67 m north
    report(category="light")  # another kind
    closed = report(latitude=51.555100)
    closed.case.status = CaseStatus.APPROVED
    closed.case.save(update_fields=["status"])

    found = defects.nearby_open_reports(category="road", latitude=51.55503, longitude=7.31203)

    assert [r.pk for r in found] == [near.pk]
    assert found[0].distance <= 5


def test_the_form_suggests_duplicates_before_filing_a_new_one(defect_service, client):
    existing = report()
    data = {
        "category": "road",
        "latitude": "51.55502",
        "longitude": "7.31201",
        "description": "Loch",
        "email": "zweite@example.org",
    }

    first = client.post("/services/maengel/melden/", data)

    assert existing.case.reference in first.content.decode()
    assert DefectReport.objects.count() == 1
    second = client.post("/services/maengel/melden/", {**data, "confirm_new": "on"})
    assert second.status_code == 302
    assert DefectReport.objects.count() == 2


def test_followers_get_an_email_when_the_status_changes(
    defect_service, client, case_worker, django_capture_on_commit_callbacks
):
    found = report()
    client.post(
        f"/services/maengel/{found.case.reference}/folgen/", {"email": "nachbar@example.org"}
    )
    client.post(confirmation_link(OutgoingEmail.objects.latest("pk")))  # double opt-in
    found.case.department.members.add(case_worker)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=found.case, actor=case_worker, to_status="in_progress")

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["nachbar@example.org", REPORTER_EMAIL]


def test_marking_a_duplicate_closes_it_and_moves_its_confirmed_followers(
    defect_service, case_worker
):
    original = report()
    duplicate = report(email="zweite@example.org", latitude=51.55501)
    DefectFollower.objects.create(
        report=duplicate, email="nachbar@example.org", confirmed_at=timezone.now()
    )
    DefectFollower.objects.create(report=duplicate, email="unbestaetigt@example.org")
    original.case.department.members.add(case_worker)

    defects.report_mark_duplicate(report=duplicate, original=original, actor=case_worker)

    duplicate.refresh_from_db()
    assert duplicate.case.status == CaseStatus.REJECTED
    assert original.case.reference in duplicate.public_note
    assert set(original.followers.values_list("email", flat=True)) == {
        REPORTER_EMAIL,
        "zweite@example.org",
        "nachbar@example.org",
    }


def test_reopening_is_refused_after_30_days(defect_service, citizen_a, case_worker):
    found = report(user=citizen_a, email="")
    found.case.status = CaseStatus.APPROVED
    found.case.closed_at = timezone.now() - timedelta(days=31)
    found.case.save(update_fields=["status", "closed_at"])

    with pytest.raises(ApplicationError, match="30"):
        defects.report_reopen(report=found, user=citizen_a)
    found.refresh_from_db()
    assert found.reopen_requested_at is None
    assert found.case.status == CaseStatus.APPROVED
