"""Mängelmelder: the reporter's "not fixed" reopens a closed report, once per closing, tells
the office by e-mail and puts the report in front of staff with a badge and a filter."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from portal.models import OutgoingEmail
from services import services
from services.models import CaseStatus
from tests.services.test_defects import REPORTER_EMAIL, report

pytestmark = pytest.mark.django_db

OFFICE_EMAIL = "tiefbau@stadt.example"


def _fixed(found, worker):
    department = found.case.department
    department.email = OFFICE_EMAIL
    department.save()
    department.members.add(worker)
    services.case_transition(case=found.case, actor=worker, to_status="in_progress")
    services.case_transition(case=found.case, actor=worker, to_status="approved", note="Repariert.")


def test_the_signed_in_reporter_reopens_a_fixed_report(
    defect_service, client, citizen_a, case_worker, django_capture_on_commit_callbacks
):
    found = report(user=citizen_a, email="")
    _fixed(found, case_worker)
    client.force_login(citizen_a)
    assert "Nicht behoben" in client.get(found.get_absolute_url()).content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/services/maengel/{found.case.reference}/nicht-behoben/")

    found.refresh_from_db()
    found.case.refresh_from_db()
    assert found.case.status == CaseStatus.IN_PROGRESS
    assert found.case.closed_at is None
    event = found.case.events.latest("created_at")
    assert (event.kind, event.actor, event.to_status) == ("status", citizen_a, "in_progress")
    office = [m for m in mail.outbox if m.to == [OFFICE_EMAIL]]
    assert len(office) == 1
    assert found.case.reference in office[0].subject
    assert "nicht behoben" in office[0].subject
    page = client.get(found.get_absolute_url()).content.decode()
    assert "In Bearbeitung" in page
    assert "Repariert." not in page  # the closing note no longer holds
    assert "Nicht behoben – bitte erneut prüfen" not in page


def test_a_second_click_on_the_same_closing_does_nothing(
    defect_service, client, citizen_a, case_worker
):
    found = report(user=citizen_a, email="")
    _fixed(found, case_worker)
    client.force_login(citizen_a)
    url = f"/services/maengel/{found.case.reference}/nicht-behoben/"
    client.post(url)
    events = found.case.events.count()
    office_mails = OutgoingEmail.objects.filter(to=[OFFICE_EMAIL]).count()

    client.post(url)

    assert found.case.events.count() == events
    assert OutgoingEmail.objects.filter(to=[OFFICE_EMAIL]).count() == office_mails
    # Closed again, the reporter may say "not fixed" about the new closing.
    services.case_transition(case=found.case, actor=case_worker, to_status="approved")
    client.post(url)
    found.case.refresh_from_db()
    assert found.case.status == CaseStatus.IN_PROGRESS


def test_the_anonymous_reporter_reopens_through_the_link_of_their_email(
    defect_service, client, case_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found = report()
    receipt = next(m for m in mail.outbox if m.to == [REPORTER_EMAIL])
    link = re.search(r"https?://[^/\s]+(/\S+/eingang/\S+/)", receipt.body).group(1)
    _fixed(found, case_worker)
    page = client.get(link).content.decode()
    assert "Nicht behoben" in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link + "nicht-behoben/")

    assert response.status_code == 302
    found.case.refresh_from_db()
    assert found.case.status == CaseStatus.IN_PROGRESS
    event = found.case.events.latest("created_at")
    assert event.actor is None
    assert "Link" in event.note
    assert [m.to for m in mail.outbox if m.to == [OFFICE_EMAIL]] == [[OFFICE_EMAIL]]


def test_a_wrong_link_reopens_nothing(defect_service, client, case_worker):
    found = report()
    _fixed(found, case_worker)

    response = client.post(f"/services/eingang/{found.case.reference}/falsch/nicht-behoben/")

    assert response.status_code == 404
    found.case.refresh_from_db()
    assert found.case.status == CaseStatus.APPROVED


def test_staff_see_reopened_reports_with_a_badge_and_a_filter(
    defect_service, client, citizen_a, case_worker
):
    reopened = report(user=citizen_a, email="")
    other = report(email="zweite@example.org", category="light")
    _fixed(reopened, case_worker)
    other.case.department.members.add(case_worker)
    client.force_login(citizen_a)
    client.post(f"/services/maengel/{reopened.case.reference}/nicht-behoben/")
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    client.force_login(case_worker)

    everything = client.get("/admin/services/case/").content.decode()
    filtered = client.get("/admin/services/case/?reopened=yes").content.decode()

    assert "wieder geöffnet" in everything
    assert reopened.case.reference in filtered
    assert other.case.reference not in filtered
