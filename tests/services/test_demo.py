"""The demo a newcomer sees after `make run`: the citizen has requests to follow."""

import os

import pytest
from django.core.management import call_command

from portal.models import User
from services.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


def test_the_demo_citizen_has_a_question_to_answer_and_a_decided_request(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # receipts and e-mails, as after commit
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    citizen = User.objects.get(email="buerger@example.org")

    cases = Case.objects.filter(applicant=citizen)
    client.force_login(citizen)
    page = client.get("/services/antraege/").content.decode()

    assert sorted(cases.values_list("status", flat=True)) == [
        CaseStatus.APPROVED,
        CaseStatus.WAITING,
    ]
    assert all(case.receipt for case in cases)
    for case in cases:
        assert case.reference in page
    waiting = cases.get(status=CaseStatus.WAITING)
    detail = client.get(f"/services/antraege/{waiting.reference}/").content.decode()
    assert "Personalausweises" in detail
    assert "Unterlagen nachreichen" in detail


def test_the_demo_moderator_and_operator_reach_their_pages_with_the_demo_second_factor(
    client, settings
):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    for email, page in [
        ("moderation@example.org", "/mitmachen/moderation/"),
        ("betrieb@example.org", "/smartcity/betrieb/"),
    ]:
        client.force_login(User.objects.get(email=email))
        assert client.get(page).status_code == 200, email


def test_the_demo_services_show_their_federal_leika_keys(client, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for slug, key in [
        ("gewerbeanmeldung", "99050012104000"),
        ("hundeanmeldung", "99102013104000"),
        ("bewohnerparkausweis", "99108001001000"),
    ]:
        page = client.get(f"/services/{slug}/").content.decode()
        assert "LeiKa-Schlüssel" in page
        assert key in page
