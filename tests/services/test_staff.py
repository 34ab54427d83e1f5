"""The back office: visibility by department, the workflow, notes, messages, audit, statistics."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.api import ApplicationError
from services import notifications, services
from services.models import AccessLog, Case, CaseStatus
from tests.services.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_of_a(citizen_a, tax_office):
    case = CaseFactory(applicant=citizen_a, department=tax_office)
    notifications.receipt_build(case_id=case.pk)
    services.message_send(
        case=case,
        sender=citizen_a,
        body="Anbei der Nachweis",
        files=[SimpleUploadedFile("n.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )
    return case


@pytest.fixture
def staff_client(client, case_worker):
    # The data migration gives case workers these permissions; grant them again for clarity.
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    client.force_login(case_worker)
    return client


def test_case_workers_see_only_their_departments_cases(staff_client, case_of_a, other_office):
    foreign = CaseFactory(department=other_office, reference="CR-2026-000999")

    page = staff_client.get("/admin/services/case/").content.decode()

    assert case_of_a.reference in page
    assert foreign.reference not in page


@pytest.mark.parametrize(
    "suffix",
    ["change/", "quittung/", "datei/{attachment}/", "aktion/status/", "freigeben/{attachment}/"],
)
def test_another_department_gets_404_for_everything_of_a_case(
    client, case_of_a, other_case_worker, suffix
):
    other_case_worker.user_permissions.add(*Permission.objects.filter(codename="view_case"))
    client.force_login(other_case_worker)
    attachment = case_of_a.attachments.get()
    url = f"/admin/services/case/{case_of_a.pk}/" + suffix.format(attachment=attachment.pk)

    response = (
        client.post(url, {"to_status": "in_progress"})
        if "aktion" in suffix or "freigeben" in suffix
        else client.get(url)
    )

    assert response.status_code == 404
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.RECEIVED
    assert not AccessLog.objects.filter(user=other_case_worker).exists()


def test_every_staff_read_is_written_to_the_access_log(staff_client, case_of_a, case_worker):
    attachment = case_of_a.attachments.get()
    staff_client.get(f"/admin/services/case/{case_of_a.pk}/change/")
    staff_client.get(f"/admin/services/case/{case_of_a.pk}/quittung/")
    staff_client.get(f"/admin/services/case/{case_of_a.pk}/datei/{attachment.pk}/")

    actions = list(AccessLog.objects.filter(user=case_worker).values_list("action", "reference"))
    assert sorted(actions) == sorted(
        [
            ("view_attachment", case_of_a.reference),
            ("view_case", case_of_a.reference),
            ("view_receipt", case_of_a.reference),
        ]
    )


def test_the_case_page_shows_answers_history_and_internal_notes(
    staff_client, case_of_a, case_worker
):
    services.case_add_note(case=case_of_a, actor=case_worker, note="Vorgang prüfen")

    page = staff_client.get(f"/admin/services/case/{case_of_a.pk}/change/").content.decode()

    assert "Bello" in page
    assert "Vorgang prüfen" in page
    assert "Anbei der Nachweis" in page


def test_staff_move_a_case_through_the_workflow(
    staff_client, case_of_a, django_capture_on_commit_callbacks
):
    base = f"/admin/services/case/{case_of_a.pk}/aktion/"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(base + "status/", {"to_status": "in_progress"})
        staff_client.post(base + "message/", {"body": "Bitte Nachweis", "requests_documents": "on"})
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.WAITING
    assert case_of_a.messages.filter(from_office=True, requests_documents=True).exists()
    assert mail.outbox[-1].to == [case_of_a.applicant_email]

    refused = staff_client.post(base + "status/", {"to_status": "approved"}, follow=True)
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.WAITING
    assert "Auswahl" in refused.content.decode() or "kann nicht" in refused.content.decode()

    staff_client.post(base + "status/", {"to_status": "in_progress"})
    no_reason = staff_client.post(
        base + "status/", {"to_status": "rejected", "note": ""}, follow=True
    )
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.IN_PROGRESS
    assert "Begründung" in no_reason.content.decode()

    staff_client.post(base + "status/", {"to_status": "rejected", "note": "Fehlende Berechtigung"})
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.REJECTED
    assert case_of_a.closed_at is not None
    event = case_of_a.events.filter(kind="status").last()
    assert (event.from_status, event.to_status, event.note) == (
        "in_progress",
        "rejected",
        "Fehlende Berechtigung",
    )

    staff_client.post(base + "status/", {"to_status": "in_progress"})  # reopen
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.IN_PROGRESS
    assert case_of_a.closed_at is None


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("received", "in_progress", True),
        ("received", "approved", False),
        ("in_progress", "waiting", True),
        ("in_progress", "approved", True),
        ("waiting", "approved", False),
        ("approved", "in_progress", True),
        ("approved", "rejected", False),
        ("withdrawn", "in_progress", False),
    ],
)
def test_the_workflow_table(case_of_a, case_worker, start, target, allowed):
    Case.objects.filter(pk=case_of_a.pk).update(status=start)

    if allowed:
        services.case_transition(case=case_of_a, actor=case_worker, to_status=target, note="Grund")
    else:
        with pytest.raises(ApplicationError, match="kann nicht"):
            services.case_transition(case=case_of_a, actor=case_worker, to_status=target, note="x")

    case_of_a.refresh_from_db()
    assert case_of_a.status == (target if allowed else start)


def test_assignment_only_to_staff_of_the_department(
    staff_client, case_of_a, case_worker, other_case_worker
):
    base = f"/admin/services/case/{case_of_a.pk}/aktion/assign/"
    staff_client.post(base, {"assignee": other_case_worker.pk})
    case_of_a.refresh_from_db()
    assert case_of_a.assigned_to is None

    staff_client.post(base, {"assignee": case_worker.pk})
    case_of_a.refresh_from_db()
    assert case_of_a.assigned_to == case_worker
    mine = staff_client.get("/admin/services/case/?mine=yes").content.decode()
    assert case_of_a.reference in mine


def test_overdue_cases_are_flagged_in_words(staff_client, tax_office):
    late = CaseFactory(department=tax_office, overdue=True, reference="CR-2026-000321")

    page = staff_client.get("/admin/services/case/?overdue=yes").content.decode()

    assert late.reference in page
    assert "überfällig" in page


def test_csv_export_follows_the_filters_and_is_logged(staff_client, tax_office, case_worker):
    CaseFactory(department=tax_office, reference="CR-2026-000101", applicant_name="Erika")
    CaseFactory(department=tax_office, reference="CR-2026-000102", approved=True)

    response = staff_client.get("/admin/services/case/export.csv?status__exact=received")

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][0] == "Aktenzeichen"
    assert [r[0] for r in rows[1:]] == ["CR-2026-000101"]
    assert rows[1][2] == "Erika"
    assert AccessLog.objects.get(user=case_worker, action="export").detail.startswith("1 /")


def test_statistics_count_per_service_and_status(staff_client, tax_office, other_office):
    service = ServiceFactory(department=tax_office, name="Hundeanmeldung")
    now = timezone.now()
    for days in (2, 4, 9):  # median 4 days from submission to decision
        CaseFactory(
            service=service,
            approved=True,
            submitted_at=now - timedelta(days=days),
            closed_at=now,
        )
    CaseFactory(service=service, overdue=True)
    CaseFactory(service=service, in_progress=True)
    CaseFactory(department=other_office, overdue=True)  # not theirs: not counted

    page = staff_client.get("/admin/services/case/statistik/").content.decode()

    assert "2 offene Anträge, davon 1 überfällig." in page
    row = re.search(r"<th scope=\"row\">Hundeanmeldung</th>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[-2:] == ["5", "4,0 Tage"]  # total, median


def test_statistics_show_a_median_of_zero_days_as_zero_not_as_missing(staff_client, tax_office):
    decided_at_once = ServiceFactory(department=tax_office, name="Sofortauskunft", slug="sofort")
    undecided = ServiceFactory(department=tax_office, name="Hundeanmeldung")
    now = timezone.now()
    CaseFactory(service=decided_at_once, approved=True, submitted_at=now, closed_at=now)
    CaseFactory(service=undecided, in_progress=True, reference="CR-2026-000777")

    page = staff_client.get("/admin/services/case/statistik/").content.decode()

    def median_of(name):
        row = re.search(rf"<th scope=\"row\">{name}</th>(.*?)</tr>", page).group(1)
        return re.findall(r"<td>(.*?)</td>", row)[-1]

    assert median_of("Sofortauskunft") == "0,0 Tage"
    assert median_of("Hundeanmeldung") == "–"  # nothing closed yet


def test_the_access_log_is_for_administrators_only(staff_client, case_of_a, client, staff_with_mfa):
    assert staff_client.get("/admin/services/accesslog/").status_code == 403

    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    assert client.get("/admin/services/accesslog/").status_code == 200


def test_publishing_an_edited_form_creates_a_new_version(client, staff_with_mfa, case_of_a):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    service = case_of_a.service
    service.form_steps.first().fields.create(key="chip", label="Chipnummer", type="text", order=9)

    client.post(
        "/admin/services/service/",
        {"action": "publish_forms", "_selected_action": [service.pk]},
    )

    assert service.form_versions.count() == 2
    case_of_a.refresh_from_db()
    assert case_of_a.form_version.number == 1


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_case_export_neutralises_a_formula_in_the_applicants_name(
    staff_client, tax_office, start
):
    name = f'{start}HYPERLINK("http://evil.example","Klick")'
    CaseFactory(department=tax_office, reference="CR-2026-000103", applicant_name=name)

    response = staff_client.get("/admin/services/case/export.csv")

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[1][2] == f"'{name}"  # a spreadsheet shows the text instead of running it
