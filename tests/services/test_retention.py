"""Retention: closed cases are anonymised after the service's period; drafts and stray files go."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from services import notifications, services, tasks
from services.models import Attachment, CaseStatus, Draft, FieldType
from tests.factories import PASSWORD
from tests.services.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_closed_cases_past_their_retention_are_anonymised(
    citizen_a, django_capture_on_commit_callbacks
):
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

    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
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


def pdf(name="nachweis.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", "application/pdf")


def draft_with_file(client, user, *, days_ago: int = 0) -> tuple[Draft, str]:
    service = ServiceFactory()
    client.force_login(user)
    start = client.post(f"/services/{service.slug}/beantragen/")
    client.post(start["Location"], {"dog_name": "Rex", "breed": "listed", "certificate": pdf()})
    draft = Draft.objects.get(service=service)
    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=days_ago))
    draft.first_step_url = start["Location"]
    return draft, draft.attachments.get().file.name


def test_drafts_unchanged_for_the_retention_period_go_with_their_files(
    client, citizen_a, citizen_b, media, settings, django_capture_on_commit_callbacks
):
    settings.DRAFT_RETENTION_DAYS = 30
    old, old_file = draft_with_file(client, citizen_a, days_ago=31)
    recent, recent_file = draft_with_file(client, citizen_b, days_ago=29)
    stray = services.attachment_store(upload=pdf(), allowed=["pdf"], max_mb=1)  # of no one
    Attachment.objects.filter(pk=stray.pk).update(uploaded_at=timezone.now() - timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.purge_expired_drafts.delay().get() == 1

    assert not Draft.objects.filter(pk=old.pk).exists()
    assert not Attachment.objects.filter(file=old_file).exists()
    assert not (media / old_file).exists()
    assert Draft.objects.filter(pk=recent.pk).exists()
    assert (media / recent_file).exists()
    assert not Attachment.objects.filter(pk=stray.pk).exists()
    assert not (media / stray.file.name).exists()


def test_the_period_runs_from_the_last_saved_step(client, citizen_a, media):
    old, _ = draft_with_file(client, citizen_a, days_ago=40)
    client.post(old.first_step_url, {"dog_name": "Rex", "breed": "mix"})

    assert services.drafts_purge_expired() == 0
    assert Draft.objects.filter(pk=old.pk).exists()


def test_a_rolled_back_step_keeps_the_file_it_would_have_replaced(client, citizen_a, media):
    draft, first = draft_with_file(client, citizen_a)
    specs = {"certificate": {"type": FieldType.FILE, "file_types": ["pdf"], "max_file_mb": 1}}

    def replace_then_fail():
        with transaction.atomic():
            services.draft_save_step(
                draft=draft,
                step=1,
                answers={"certificate": "neu.pdf"},
                files={"certificate": pdf("neu.pdf")},
                field_specs=specs,
            )
            raise RuntimeError("the request failed after the step was saved")

    with pytest.raises(RuntimeError):
        replace_then_fail()

    assert Attachment.objects.get(draft=draft).file.name == first
    assert (media / first).exists()


def test_deleting_an_account_leaves_no_draft_file_on_disk(
    client, citizen_a, media, django_capture_on_commit_callbacks
):
    _draft, name = draft_with_file(client, citizen_a)
    case = CaseFactory(applicant=citizen_a)
    kept = services.attachment_store(
        upload=pdf("fall.pdf"), allowed=["pdf"], max_mb=1, case=case
    ).file.name
    client.force_login(citizen_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/profile/delete/", {"password": PASSWORD, "confirm": "on"})

    assert not Draft.objects.exists()
    assert not Attachment.objects.filter(file=name).exists()
    assert not (media / name).exists()
    assert (media / kept).exists()  # the filed case's documents stay with the office


def test_the_draft_purge_and_the_orphan_sweep_are_scheduled_nightly():
    purge = settings.CELERY_BEAT_SCHEDULE["services-purge-expired-drafts"]
    sweep = settings.CELERY_BEAT_SCHEDULE["portal-media-orphans-sweep"]
    assert purge["task"] == "services.tasks.purge_expired_drafts"
    assert sweep["task"] == "portal.tasks.media_orphans_sweep"
