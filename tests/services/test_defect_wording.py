"""Mängelmelder wording: a defect is "fixed", not "approved"; its e-mails speak of a report,
not an application; the city's public note follows the closing step (page, e-mail, Open311)."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from portal.models import OutgoingEmail
from services import defects, services
from services.models import DefectFollower
from tests.services.test_defects import REPORTER_EMAIL, report

pytestmark = pytest.mark.django_db

OPEN311 = "/open311/v2/requests/{reference}.json"


def _close(found, worker, *, note: str = "") -> None:
    found.case.department.members.add(worker)
    services.case_transition(case=found.case, actor=worker, to_status="in_progress")
    defects.report_public_note_set(report=found, note="Wir kümmern uns.", actor=worker)
    services.case_transition(case=found.case, actor=worker, to_status="approved", note=note)


def test_a_fixed_defect_reads_fixed_with_the_closing_note(defect_service, client, case_worker):
    found = report()
    _close(found, case_worker, note="Das Schlagloch ist verfüllt.")

    page = client.get(found.get_absolute_url()).content.decode()
    listing = client.get("/services/maengel/").content.decode()
    entry = client.get(OPEN311.format(reference=found.case.reference)).json()[0]

    assert "Behoben" in page
    assert "Genehmigt" not in page
    assert "Das Schlagloch ist verfüllt." in page
    assert "Wir kümmern uns." not in page
    assert "Behoben" in listing
    assert "Genehmigt" not in listing
    assert entry["status"] == "closed"
    assert entry["status_notes"] == "Das Schlagloch ist verfüllt."


def test_closing_without_a_note_clears_the_old_one(defect_service, client, case_worker):
    found = report()
    _close(found, case_worker)

    page = client.get(found.get_absolute_url()).content.decode()
    entry = client.get(OPEN311.format(reference=found.case.reference)).json()[0]
    english = client.get(
        OPEN311.format(reference=found.case.reference), HTTP_ACCEPT_LANGUAGE="en"
    ).json()[0]

    assert "Wir kümmern uns." not in page
    assert entry["status_notes"] == "Behoben"
    assert english["status_notes"] == "Fixed"


def test_an_open_defect_shows_the_current_note_in_open311(defect_service, client, case_worker):
    found = report()
    found.case.department.members.add(case_worker)
    defects.report_public_note_set(report=found, note="Wir kümmern uns.", actor=case_worker)

    entry = client.get(OPEN311.format(reference=found.case.reference)).json()[0]

    assert entry["status"] == "open"
    assert entry["status_notes"] == "Wir kümmern uns."


def test_reporter_and_followers_get_report_wording_by_email(
    defect_service, client, case_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found = report()
    DefectFollower.objects.create(
        report=found, email="nachbar@example.org", confirmed_at=found.case.submitted_at
    )
    with django_capture_on_commit_callbacks(execute=True):
        _close(found, case_worker, note="Das Schlagloch ist verfüllt.")

    to_reporter = [m for m in mail.outbox if m.to == [REPORTER_EMAIL]]
    received, _in_progress, fixed = to_reporter
    follower = [m for m in mail.outbox if m.to == ["nachbar@example.org"]][-1]
    reference = found.case.reference
    assert received.subject == f"Mängelmelder: Ihre Meldung {reference} ist eingegangen"
    assert fixed.subject == f"Mängelmelder: Ihre Meldung {reference} – Behoben"
    assert "Das Schlagloch ist verfüllt." in fixed.body
    for message in to_reporter:
        assert "Antrag" not in message.subject + message.body
        assert "Genehmigt" not in message.subject + message.body
    assert follower.subject == f"Mängelmelder: Meldung {reference} – Behoben"
    assert "Das Schlagloch ist verfüllt." in follower.body
    assert "Wir kümmern uns." not in follower.body
    assert OutgoingEmail.objects.filter(to=[REPORTER_EMAIL], subject=fixed.subject).exists()


def test_staff_close_a_defect_as_fixed(defect_service, client, case_worker):
    found = report()
    found.case.department.members.add(case_worker)
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    services.case_transition(case=found.case, actor=case_worker, to_status="in_progress")
    client.force_login(case_worker)

    page = client.get(f"/admin/services/case/{found.case.pk}/change/").content.decode()

    assert '<option value="approved">Behoben</option>' in page
    assert "Genehmigt" not in page
