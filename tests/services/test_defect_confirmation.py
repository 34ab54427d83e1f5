"""Double opt-in of defect reports: a report without a verified account is public only after
its reporter confirmed the address; unconfirmed ones are deleted after DEFECT_CONFIRM_HOURS."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from portal.models import OutgoingEmail
from services import services, tasks
from services.models import Attachment, Case, CaseEvent, DefectFollower, DefectReport, EventKind
from tests.services.test_defects import (
    REPORTER_EMAIL,
    REPORTER_NAME,
    confirm_report,
    jpeg_with_gps,
    report_confirmation_link,
)

pytestmark = pytest.mark.django_db

FORM = {
    "category": "road",
    "latitude": "51.5550",
    "longitude": "7.3120",
    "address": "Lönsstraße 3",
    "description": "Schlagloch vor Hausnummer 3",
    "email": REPORTER_EMAIL,
    "name": REPORTER_NAME,
    "confirm_new": "on",
}


def file_report(client, prefix="", **data) -> DefectReport:
    response = client.post(f"{prefix}/services/maengel/melden/", {**FORM, **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return DefectReport.objects.latest("pk")


def public_views(client, found: DefectReport) -> dict[str, bool]:
    """Where the report shows: its page, the list, the map data and Open311 (list, id, token)."""
    reference = found.case.reference
    token = client.get(f"/open311/v2/tokens/{found.open311_token}.json").json()[0]
    return {
        "page": client.get(found.get_absolute_url()).status_code == 200,
        "list": reference in client.get("/services/maengel/").content.decode(),
        "map": reference in client.get("/services/maengel/karte.json").content.decode(),
        "open311": reference in client.get("/open311/v2/requests.json").content.decode(),
        "open311_id": client.get(f"/open311/v2/requests/{reference}.json").status_code == 200,
        "open311_token": token["service_request_id"] == reference,
    }


def test_an_anonymous_report_is_public_nowhere_until_its_address_is_confirmed(
    defect_service, client
):
    found = file_report(client)

    assert not any(public_views(Client(), found).values())
    assert found.case.department.slug == "tiefbau"  # in the office's queue already
    # Only the confirmation, no receipt: nothing else goes to an address nobody confirmed.
    [asked] = OutgoingEmail.objects.filter(to=[REPORTER_EMAIL])
    assert asked.subject == f"Bitte bestätigen Sie Ihre Mängelmeldung {found.case.reference}"
    assert "72 Stunden" in asked.body

    response = confirm_report(Client(), found.case.reference)

    assert response["Location"] == found.get_absolute_url()
    assert all(public_views(Client(), found).values())


def test_the_reporter_is_asked_to_confirm_and_the_confirmation_page_says_it_is_public(
    defect_service, client
):
    found = file_report(client)
    page = client.get(f"/services/maengel/{found.case.reference}/bitte-bestaetigen/")
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in page.content.decode()
    assert REPORTER_EMAIL in page.content.decode()
    # Another browser learns nothing about the report or its address.
    assert (
        Client().get(f"/services/maengel/{found.case.reference}/bitte-bestaetigen/").status_code
        == 404
    )

    link = report_confirmation_link(found.case.reference)
    scanner = Client().get(link)  # a mail scanner opening the link publishes nothing
    assert "Bestätigen und veröffentlichen" in scanner.content.decode()
    found.refresh_from_db()
    assert found.published_at is None

    done = Client().post(link, follow=True)

    assert f"Ihre Meldung {found.case.reference} ist jetzt öffentlich" in done.content.decode()
    assert done.redirect_chain[-1][0] == found.get_absolute_url()
    # Now the receipt, with the private link of the anonymous reporter.
    receipt = OutgoingEmail.objects.filter(to=[REPORTER_EMAIL], key__endswith=":applicant").get()
    assert f"/services/eingang/{found.case.reference}/" in receipt.body
    assert list(found.followers.values_list("email", flat=True)) == [REPORTER_EMAIL]
    assert found.case.events.filter(kind=EventKind.PUBLISHED).count() == 1
    # The pending page now leads to the public report.
    again = client.get(f"/services/maengel/{found.case.reference}/bitte-bestaetigen/")
    assert again["Location"] == found.get_absolute_url()


def test_the_private_link_of_the_receipt_opens_the_reporters_case_page(defect_service, client):
    found = file_report(client)
    confirm_report(Client(), found.case.reference)
    receipt = OutgoingEmail.objects.get(to=[REPORTER_EMAIL], key__endswith=":applicant")
    path = "/services/eingang/" + receipt.body.split("/services/eingang/")[1].split()[0]

    assert found.case.reference in Client().get(path).content.decode()


def test_a_used_link_says_so_and_changes_nothing(defect_service, client):
    found = file_report(client)
    link = report_confirmation_link(found.case.reference)
    Client().post(link)
    found.refresh_from_db()
    published, mails = found.published_at, OutgoingEmail.objects.count()

    response = Client().post(link)

    assert response.status_code == 200
    assert "Dieser Link wurde bereits verwendet" in response.content.decode()
    found.refresh_from_db()
    assert found.published_at == published
    assert OutgoingEmail.objects.count() == mails
    assert found.case.events.filter(kind=EventKind.PUBLISHED).count() == 1


def test_an_expired_link_says_so_and_publishes_nothing(defect_service, client, settings):
    found = file_report(client)
    link = report_confirmation_link(found.case.reference)
    Case.objects.filter(pk=found.case_id).update(
        submitted_at=timezone.now() - timedelta(hours=settings.DEFECT_CONFIRM_HOURS, minutes=1)
    )

    response = Client().post(link)

    assert response.status_code == 404
    assert "Dieser Link ist nicht (mehr) gültig" in response.content.decode()
    found.refresh_from_db()
    assert found.published_at is None
    assert not OutgoingEmail.objects.filter(
        to=[REPORTER_EMAIL], key__endswith=":applicant"
    ).exists()
    assert Client().post("/services/maengel/bestaetigen/erfunden/").status_code == 404


def test_the_mail_can_be_sent_again_and_only_the_newest_link_works(defect_service, client):
    found = file_report(client)
    first = report_confirmation_link(found.case.reference)
    pending = f"/services/maengel/{found.case.reference}/bitte-bestaetigen/"

    response = client.post(pending, follow=True)

    assert "Wir haben die E-Mail noch einmal gesendet" in response.content.decode()
    assert OutgoingEmail.objects.filter(to=[REPORTER_EMAIL]).count() == 2
    second = report_confirmation_link(found.case.reference)
    assert second != first
    assert Client().post(first).status_code == 404
    assert Client().post(second).status_code == 302


def test_sending_the_mail_again_is_rate_limited(defect_service, client, settings):
    settings.RATE_LIMIT_ADDRESS = "2/h"
    found = file_report(client)
    pending = f"/services/maengel/{found.case.reference}/bitte-bestaetigen/"
    client.post(pending)
    client.post(pending)

    response = client.post(pending)

    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert OutgoingEmail.objects.filter(to=[REPORTER_EMAIL]).count() == 3  # filing + 2


def test_unconfirmed_reports_are_deleted_after_the_expiry_with_nothing_personal_left(
    defect_service, client, settings, case_worker, django_capture_on_commit_callbacks
):
    photo = SimpleUploadedFile("loch.jpg", jpeg_with_gps(), "image/jpeg")
    stale = file_report(client, photos=[photo])
    untouched_file = stale.case.attachments.get().file.name
    taken_up = file_report(client, email="zweite@example.org", latitude="51.56")
    taken_up.case.department.members.add(case_worker)
    services.case_transition(case=taken_up.case, actor=case_worker, to_status="in_progress")
    fresh = file_report(client, email="dritte@example.org", latitude="51.57")
    confirmed = file_report(client, email="vierte@example.org", latitude="51.58")
    confirm_report(Client(), confirmed.case.reference)
    old = timezone.now() - timedelta(hours=settings.DEFECT_CONFIRM_HOURS, minutes=1)
    Case.objects.exclude(pk=fresh.case_id).update(submitted_at=old)

    with django_capture_on_commit_callbacks(execute=True):  # the files go after commit
        assert tasks.purge_unconfirmed_reports() == 2
    assert tasks.purge_unconfirmed_reports() == 0  # idempotent

    assert not Case.objects.filter(reference=stale.case.reference).exists()
    assert not Attachment.objects.filter(file=untouched_file).exists()
    assert not default_storage.exists(untouched_file)
    for email in (REPORTER_EMAIL, "zweite@example.org"):
        assert not OutgoingEmail.objects.filter(to=[email]).exists()
        assert not Case.objects.filter(applicant_email=email).exists()
        assert not DefectFollower.objects.filter(email=email).exists()
    # Taken up by the office: it stays in their queue, anonymised and still not public.
    kept = Case.objects.get(pk=taken_up.case_id)
    assert kept.anonymised_at is not None
    assert kept.applicant_name == "–"
    assert DefectReport.objects.get(pk=taken_up.pk).published_at is None
    assert DefectReport.objects.filter(pk=fresh.pk, published_at__isnull=True).exists()
    assert DefectReport.objects.filter(pk=confirmed.pk, published_at__isnull=False).exists()


def test_the_purge_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["services-purge-unconfirmed-reports"]
    assert entry["task"] == "services.tasks.purge_unconfirmed_reports"


def test_staff_changes_on_an_unconfirmed_report_mail_nobody(
    defect_service, client, case_worker, django_capture_on_commit_callbacks
):
    found = file_report(client)
    found.case.department.members.add(case_worker)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=found.case, actor=case_worker, to_status="in_progress")

    assert mail.outbox == []
    assert CaseEvent.objects.filter(case=found.case, kind=EventKind.STATUS).exists()


def test_a_signed_in_citizen_with_a_verified_address_publishes_at_once(
    defect_service, client, citizen_a
):
    client.force_login(citizen_a)

    response = client.post("/services/maengel/melden/", FORM)

    found = DefectReport.objects.get()
    assert response["Location"] == found.get_absolute_url()
    assert all(public_views(Client(), found).values())
    assert not OutgoingEmail.objects.filter(key__contains=":confirm:").exists()


def test_a_signed_in_citizen_with_an_unverified_address_confirms_first(
    defect_service, client, citizen_a
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=citizen_a).update(verified=False)
    client.force_login(citizen_a)

    file_report(client)

    found = DefectReport.objects.get()
    assert found.published_at is None
    assert OutgoingEmail.objects.filter(to=[citizen_a.email], key__contains=":confirm:").exists()


def test_the_confirmation_mail_and_pages_speak_english_when_the_reporter_did(
    defect_service, client
):
    found = file_report(client, prefix="/en")

    asked = OutgoingEmail.objects.get(to=[REPORTER_EMAIL])
    assert asked.subject == f"Please confirm your defect report {found.case.reference}"
    pending = client.get(f"/en/services/maengel/{found.case.reference}/bitte-bestaetigen/")
    assert "Please confirm your e-mail address" in pending.content.decode()
    link = report_confirmation_link(found.case.reference)
    assert link.startswith("/en/")
    done = Client().post(link, follow=True)
    assert f"your report {found.case.reference} is now public" in done.content.decode()


def test_open311_reports_are_confirmed_like_web_reports(defect_service, client):
    _key, api_key = services.key_create(name="Partner-App")

    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "maengel-light",
            "lat": "51.5518",
            "long": "7.3097",
            "description": "Laterne dunkel",
            "email": REPORTER_EMAIL,
            "locale": "en",
        },
    )

    assert response.status_code == 201
    [entry] = response.json()
    assert "service_request_id" not in entry
    assert "once the link in it is opened" in entry["service_notice"]
    found = DefectReport.objects.get(open311_token=entry["token"])
    assert not any(public_views(Client(), found).values())
    asked = OutgoingEmail.objects.get(to=[REPORTER_EMAIL])
    assert asked.subject.startswith("Please confirm your defect report")

    confirm_report(Client(), found.case.reference)

    assert all(public_views(Client(), found).values())


def test_the_office_sees_the_unconfirmed_report_and_that_it_is_not_public(
    defect_service, client, case_worker
):
    from django.contrib.auth.models import Permission

    found = file_report(client)
    found.case.department.members.add(case_worker)
    case_worker.user_permissions.add(*Permission.objects.filter(codename="view_case"))
    staff = Client()
    staff.force_login(case_worker)

    page = staff.get(f"/admin/services/case/{found.case.pk}/change/").content.decode()
    assert "Nicht öffentlich: Die meldende Person hat ihre E-Mail-Adresse noch nicht" in page

    confirm_report(Client(), found.case.reference)
    page = staff.get(f"/admin/services/case/{found.case.pk}/change/").content.decode()
    assert "Nicht öffentlich" not in page
    assert found.get_absolute_url() in page
