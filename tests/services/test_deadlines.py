"""Deadlines of cases in working days of NRW, and the clock that rests while a case waits for
the applicant."""

import importlib
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from services import services
from services.models import Case, CaseStatus
from tests.services.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
ANSWERS = {
    "dog_name": "Bello",
    "breed": "mix",
    "since": "2026-01-15",
    "address": {"street": "Europaplatz 1", "postcode": "44575", "city": "Castrop-Rauxel"},
}


class Clock:
    """The wall clock, set to a day of our choosing (the machine's clock is outside the test)."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, day: date, hour: int = 10) -> None:
        self.now = datetime.combine(day, time(hour), tzinfo=BERLIN)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def file_case(service, user) -> Case:
    case, _token = services.case_submit_answers(
        service=service,
        answers=ANSWERS,
        applicant_name=user.name,
        applicant_email=user.email,
        language="de",
        user=user,
    )
    return case


@pytest.fixture
def staff_client(client, case_worker):
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    client.force_login(case_worker)
    return client


def test_a_case_filed_on_maundy_thursday_is_due_after_the_easter_holidays(
    clock, citizen_a, tax_office
):
    service = ServiceFactory(department=tax_office, processing_days=10)
    clock.set(date(2026, 4, 2))  # Thursday; Good Friday and Easter Monday are holidays

    case = file_case(service, citizen_a)

    # Ten calendar days would be Sunday 12 April; ten working days are Monday 20 April.
    assert case.due_date == date(2026, 4, 20)


def test_a_deadline_never_falls_on_a_saturday(clock, citizen_a, tax_office):
    service = ServiceFactory(department=tax_office, processing_days=5)
    clock.set(date(2026, 11, 30))  # Monday

    case = file_case(service, citizen_a)

    assert case.due_date == date(2026, 12, 7)  # not Saturday 5 December


def test_the_clock_rests_while_the_case_waits_for_the_applicant(
    clock, client, staff_client, citizen_a, case_worker, tax_office
):
    service = ServiceFactory(department=tax_office, processing_days=10)
    clock.set(date(2026, 11, 2))  # Monday
    case = file_case(service, citizen_a)
    assert case.due_date == date(2026, 11, 16)
    services.case_transition(case=case, actor=case_worker, to_status=CaseStatus.IN_PROGRESS)

    clock.set(date(2026, 11, 4))  # Wednesday: the office asks for a document
    services.message_send(
        case=case, sender=case_worker, body="Bitte Nachweis nachreichen", requests_documents=True
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    assert case.paused_since == date(2026, 11, 4)

    clock.set(date(2026, 11, 17))  # after the original deadline: the clock rests, not overdue
    assert not Case.objects.overdue().exists()
    staff_page = staff_client.get(f"/admin/services/case/{case.pk}/change/").content.decode()
    assert "Die Frist ruht, solange wir auf die Antwort" in staff_page
    staff_list = staff_client.get("/admin/services/case/").content.decode()
    assert "16.11.2026 – ruht" in staff_list
    client.force_login(citizen_a)
    citizen_page = client.get(case.get_absolute_url()).content.decode()
    assert "Die Frist ruht, solange wir auf Ihre Antwort warten." in citizen_page
    assert "8 Arbeitstage" in citizen_page  # 5 November up to 16 November

    clock.set(date(2026, 11, 18))  # Wednesday two weeks later: ten working days of waiting
    services.message_send(
        case=case,
        sender=citizen_a,
        body="Anbei",
        files=[SimpleUploadedFile("n.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.paused_since is None
    assert case.paused_working_days == 10
    assert case.due_date == date(2026, 11, 30)  # 16 November + 10 working days
    client.force_login(citizen_a)  # a day later: the session of yesterday has expired
    citizen_page = client.get(case.get_absolute_url()).content.decode()
    assert "30. November 2026" in citizen_page
    assert "Frist ruht" not in citizen_page


def test_a_pause_over_a_holiday_counts_only_working_days(clock, citizen_a, case_worker, tax_office):
    case = CaseFactory(
        applicant=citizen_a,
        department=tax_office,
        waiting=True,
        paused_since=date(2027, 10, 28),  # Thursday
        due_date=date(2027, 11, 10),
    )
    clock.set(date(2027, 11, 2))  # Tuesday; Monday 1 November is All Saints: Fri and Tue

    services.case_transition(case=case, actor=case_worker, to_status=CaseStatus.IN_PROGRESS)

    case.refresh_from_db()
    assert case.paused_working_days == 2
    assert case.due_date == date(2027, 11, 12)


def test_a_deadline_missed_before_the_pause_stays_overdue(staff_client, tax_office):
    today = timezone.localdate()
    missed = CaseFactory(
        department=tax_office,
        waiting=True,
        reference="CR-2026-000401",
        due_date=today - timezone.timedelta(days=10),
        paused_since=today - timezone.timedelta(days=2),
    )
    resting = CaseFactory(
        department=tax_office,
        waiting=True,
        reference="CR-2026-000402",
        due_date=today - timezone.timedelta(days=1),
        paused_since=today - timezone.timedelta(days=5),
    )
    running = CaseFactory(department=tax_office, overdue=True, reference="CR-2026-000403")

    page = staff_client.get("/admin/services/case/?overdue=yes").content.decode()

    assert missed.reference in page
    assert running.reference in page
    assert resting.reference not in page
    assert missed.is_overdue
    assert running.is_overdue
    assert not resting.is_overdue
    stats = staff_client.get("/admin/services/case/statistik/").content.decode()
    assert "3 offene Anträge, davon 2 überfällig." in stats


def test_the_service_admin_asks_for_working_days(client, staff_with_mfa, tax_office):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    service = ServiceFactory(department=tax_office)

    page = client.get(f"/admin/services/service/{service.pk}/change/").content.decode()

    assert "Bearbeitungsdauer in Arbeitstagen" in page


def test_the_service_page_tells_citizens_the_processing_time_in_working_days(client, tax_office):
    service = ServiceFactory(department=tax_office, processing_days=10)

    page = client.get(service.get_absolute_url()).content.decode()

    assert "etwa 10 Arbeitstage" in page


def test_cases_already_waiting_at_the_upgrade_rest_from_the_day_their_wait_began(tax_office):
    migration = importlib.import_module("services.migrations.0009_case_deadline_pause")
    waiting = CaseFactory(department=tax_office, waiting=True)
    began = timezone.now() - timezone.timedelta(days=6)
    waiting.events.create(kind="status", from_status="in_progress", to_status="waiting")
    waiting.events.filter(to_status="waiting").update(created_at=began)
    running = CaseFactory(department=tax_office, in_progress=True)
    Case.objects.update(paused_since=None)  # as the rows were before the migration

    migration.pause_waiting_cases(django_apps, None)

    waiting.refresh_from_db()
    running.refresh_from_db()
    assert waiting.paused_since == timezone.localdate(began)
    assert running.paused_since is None
