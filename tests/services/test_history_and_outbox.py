"""Every staff change leaves a history row; every e-mail goes through the outbox; Open311
files requests the web form's way."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from portal.mail import mail_send
from portal.models import MailStatus, OutgoingEmail
from services import services
from services.models import (
    Case,
    CaseEvent,
    DefectReport,
    EventKind,
    Open311Key,
    Service,
)
from tests.factories import UserFactory
from tests.services.factories import CaseFactory, ServiceFactory
from tests.services.test_defects import REPORTER_EMAIL, confirm_report, jpeg_with_gps, report

pytestmark = pytest.mark.django_db


def history(obj) -> list[str]:
    content_type = ContentType.objects.get_for_model(obj)
    entries = LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
    return [entry.get_change_message() for entry in entries.order_by("action_time")]


@pytest.fixture
def administrator(db):
    return UserFactory(email="root@stadt.example", staff=True, is_superuser=True, mfa=True)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def defect_staff_client(client, case_worker):
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    client.force_login(case_worker)
    return client


# --- Admin actions write their history ---------------------------------------------------------


def test_publishing_forms_in_the_admin_writes_the_services_history(admin_client):
    service = ServiceFactory()
    service.form_steps.first().fields.create(key="chip", label="Chipnummer", type="text", order=9)

    admin_client.post(
        "/admin/services/service/",
        {"action": "publish_forms", "_selected_action": [service.pk]},
    )

    assert service.current_form.number == 2
    assert history(service) == ["Published form version 2."]


def test_issuing_renaming_and_revoking_keys_in_the_admin_writes_their_history(admin_client):
    admin_client.post("/admin/services/open311key/add/", {"name": "Stadtwerke-App"})
    key = Open311Key.objects.get()
    admin_client.post(f"/admin/services/open311key/{key.pk}/change/", {"name": "Stadtwerke"})
    admin_client.post(
        "/admin/services/open311key/", {"action": "revoke", "_selected_action": [key.pk]}
    )

    key.refresh_from_db()
    assert key.name == "Stadtwerke"
    assert key.revoked_at is not None
    assert history(key) == [
        "Issued the key.",
        "Renamed from “Stadtwerke-App”.",
        "Revoked the key.",
    ]


def test_revoking_a_revoked_key_again_writes_nothing(administrator):
    key, _raw = services.key_create(name="Alt", actor=None)
    assert services.keys_revoke(keys=[key], actor=administrator) == 1
    assert services.keys_revoke(keys=[key], actor=administrator) == 0
    assert history(key) == ["Revoked the key."]


def test_releasing_a_photo_in_the_admin_writes_a_case_event(
    defect_service, defect_staff_client, case_worker
):
    found = report(photos=[SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg")])
    found.case.department.members.add(case_worker)
    photo = found.case.attachments.get()

    defect_staff_client.post(f"/admin/services/case/{found.case_id}/freigeben/{photo.pk}/")
    defect_staff_client.post(f"/admin/services/case/{found.case_id}/freigeben/{photo.pk}/")

    event = CaseEvent.objects.get(case=found.case, kind=EventKind.PHOTO_RELEASED)
    assert (event.actor, event.public, event.note) == (case_worker, False, photo.original_name)


def test_public_note_and_duplicate_from_the_admin_write_case_events(
    defect_service, defect_staff_client, case_worker
):
    original = report()
    duplicate = report(latitude=51.5551)
    duplicate.case.department.members.add(case_worker)
    url = f"/admin/services/case/{duplicate.case_id}/aktion/defect/"

    defect_staff_client.post(url, {"public_note": "Wird geprüft"})
    defect_staff_client.post(url, {"public_note": "Wird geprüft"})  # unchanged: no second row
    defect_staff_client.post(
        url, {"public_note": "Wird geprüft", "duplicate_of": original.case.reference}
    )

    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    kinds = list(duplicate.case.events.values_list("kind", "note"))
    assert (EventKind.PUBLIC_NOTE, "Wird geprüft") in kinds
    assert [k for k, _n in kinds].count(EventKind.PUBLIC_NOTE) == 1
    assert (EventKind.DUPLICATE, original.case.reference) in kinds
    assert duplicate.case.events.filter(kind=EventKind.STATUS, to_status="rejected").exists()


# --- The outbox ---------------------------------------------------------------------------------


class RefusingOnceBackend(EmailBackend):
    """The relay refuses the first connection (as a full mail queue would), then accepts."""

    refused = 0

    def send_messages(self, messages):
        if RefusingOnceBackend.refused == 0:
            RefusingOnceBackend.refused += 1
            raise OSError("421 Service not available")
        return super().send_messages(messages)


def test_a_refused_smtp_send_is_retried_by_the_outbox_not_lost(
    settings, case_worker, tax_office, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.services.test_history_and_outbox.RefusingOnceBackend"
    RefusingOnceBackend.refused = 0
    case = CaseFactory(department=tax_office, in_progress=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event = services.case_transition(case=case, actor=case_worker, to_status="approved")

    queued = OutgoingEmail.objects.get(key=f"services.event:{event.pk}:applicant")
    assert mail.outbox == []
    assert queued.status == MailStatus.PENDING
    assert "421" in queued.last_error

    assert mail_send(email_id=queued.pk, now=timezone.now() + timedelta(hours=1)) == "sent"
    assert [m.to for m in mail.outbox] == [[case.applicant_email]]
    assert case.reference in mail.outbox[0].subject


def test_a_rolled_back_transition_takes_its_email_with_it(case_worker, tax_office):
    case = CaseFactory(department=tax_office, in_progress=True)

    def transition_then_fail():
        with transaction.atomic():
            services.case_transition(case=case, actor=case_worker, to_status="approved")
            raise RuntimeError("the caller fails after the transition")

    with pytest.raises(RuntimeError):
        transition_then_fail()

    assert not OutgoingEmail.objects.exists()
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.STATUS).exists()


# --- Open311 files requests through the services ------------------------------------------------


@pytest.fixture
def api_key(defect_service):
    _key, raw = services.key_create(name="Test-App")
    return raw


def test_open311_post_files_a_case_with_the_same_history_and_mail_as_the_web_form(
    client, api_key, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": api_key,
                "service_code": "sperrmuell",
                "email": "a@example.org",
                "first_name": "Anna",
                "attribute[address__street]": "Europaplatz 1",
                "attribute[address__postcode]": "44575",
                "attribute[address__city]": "Castrop-Rauxel",
                "attribute[items][]": ["furniture"],
                "attribute[volume]": "3",
            },
        )

    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    event = case.events.get()
    assert (event.kind, event.to_status, event.public) == (EventKind.SUBMITTED, "received", True)
    assert case.receipt
    assert case.department == Service.objects.get(slug="sperrmuell").department
    assert not case.service.drafts.exists()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert mail.outbox[0].attachments[0][0] == f"{case.reference}.pdf"


def test_open311_defect_post_is_routed_and_followed_like_a_web_report(
    client, api_key, django_capture_on_commit_callbacks
):
    web = report()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": api_key,
                "service_code": "maengel-road",
                "lat": "51.556",
                "long": "7.313",
                "description": "Schlagloch",
                "email": REPORTER_EMAIL,
            },
        )

    found = DefectReport.objects.get(open311_token=response.json()[0]["token"])
    assert found.case.department == web.case.department
    assert list(found.case.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]
    assert confirm_report(client, found.case.reference).status_code == 302
    assert list(found.followers.values_list("email", flat=True)) == [REPORTER_EMAIL]
    submitted = found.case.events.get(kind=EventKind.SUBMITTED)
    assert OutgoingEmail.objects.filter(key=f"services.event:{submitted.pk}:applicant")
