"""Retention: personal data of closed cases is anonymised after the service's period."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from services import notifications, services, tasks
from services.models import CaseStatus
from tests.services.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_closed_cases_past_their_retention_are_anonymised(citizen_a):
    old = CaseFactory(applicant=citizen_a, approved=True)
    old.closed_at = timezone.now() - timedelta(days=old.service.retention_days + 1)
    old.save(update_fields=["closed_at"])
    notifications.receipt_build(case_id=old.pk)
    old.refresh_from_db()
    receipt = old.receipt.name
    assert old.receipt.storage.exists(receipt)
    recent = CaseFactory(applicant=citizen_a, approved=True, reference="CR-2026-000700")
    still_open = CaseFactory(applicant=citizen_a, reference="CR-2026-000701")
    Case = type(old)
    Case.objects.filter(pk=still_open.pk).update(submitted_at=timezone.now() - timedelta(days=5000))

    assert tasks.anonymise_expired_cases.delay().get() == 1

    old.refresh_from_db()
    assert old.applicant is None
    assert old.applicant_name == "–"
    assert old.answers == {}
    assert not old.receipt
    assert not old.receipt.storage.exists(receipt)
    assert old.status == CaseStatus.APPROVED  # what statistics need stays
    assert old.closed_at is not None
    assert old.events.filter(kind="anonymised").exists()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.applicant == citizen_a
    assert still_open.applicant == citizen_a


def test_anonymising_twice_changes_nothing_more(citizen_a):
    case = CaseFactory(applicant=citizen_a, approved=True)
    services.case_anonymise(case=case)
    first = case.events.count()

    services.case_anonymise(case=case)

    assert case.events.count() == first


def test_the_retention_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["services-anonymise-expired-cases"]
    assert entry["task"] == "services.tasks.anonymise_expired_cases"
