"""Following a defect report: double opt-in, expiry and the limit on confirmation e-mails."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal.models import OutgoingEmail
from services import services, tasks
from services.models import DefectFollower
from tests.services.test_defects import REPORTER_EMAIL, confirmation_link, report

pytestmark = pytest.mark.django_db


def follow(client, found, email="nachbar@example.org", **extra):
    return client.post(
        f"/services/maengel/{found.case.reference}/folgen/", {"email": email}, **extra
    )


def test_following_sends_one_confirmation_and_no_status_mail_before_it_is_confirmed(
    defect_service, client, case_worker, django_capture_on_commit_callbacks
):
    found = report()
    found.case.department.members.add(case_worker)
    follow(client, found)
    response = follow(client, found, follow=True)  # again: no second e-mail

    assert "Bitte bestätigen Sie mit dem Link" in response.content.decode()
    confirmations = OutgoingEmail.objects.filter(to=["nachbar@example.org"])
    assert confirmations.count() == 1
    assert "Bitte bestätigen" in confirmations.get().subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=found.case, actor=case_worker, to_status="in_progress")
    assert [m.to[0] for m in mail.outbox] == [REPORTER_EMAIL]  # the follower hears nothing


def test_opening_the_link_asks_and_only_the_button_confirms(defect_service, client):
    found = report()
    follow(client, found)
    link = confirmation_link(OutgoingEmail.objects.get(to=["nachbar@example.org"]))

    page = Client().get(link)  # a mail scanner opening the link
    assert page.status_code == 200
    assert "Ja, informieren Sie mich" in page.content.decode()
    assert DefectFollower.objects.get(email="nachbar@example.org").confirmed_at is None

    response = Client().post(link)
    assert response["Location"] == found.get_absolute_url()
    follower = DefectFollower.objects.get(email="nachbar@example.org")
    assert follower.confirmed_at is not None
    assert Client().post(link).status_code == 404  # used up


def test_unconfirmed_follows_expire_and_the_nightly_job_deletes_them(defect_service, client):
    found = report()
    follow(client, found)
    link = confirmation_link(OutgoingEmail.objects.get(to=["nachbar@example.org"]))
    DefectFollower.objects.filter(email="nachbar@example.org").update(
        created_at=timezone.now() - timedelta(days=8)
    )

    assert client.post(link).status_code == 404
    assert "nicht (mehr) gültig" in client.get(link).content.decode()
    tasks.anonymise_expired_cases()
    assert not DefectFollower.objects.filter(email="nachbar@example.org").exists()
    assert DefectFollower.objects.filter(email=REPORTER_EMAIL).exists()  # confirmed: kept


def test_a_link_of_another_report_confirms_nothing(defect_service, client):
    found, other = report(), report(latitude=51.56, email="zweite@example.org")
    follow(client, found)
    link = confirmation_link(OutgoingEmail.objects.get(to=["nachbar@example.org"]))

    wrong = link.replace(found.case.reference, other.case.reference)
    assert client.post(wrong).status_code == 404
    assert DefectFollower.objects.get(email="nachbar@example.org").confirmed_at is None


def test_a_signed_in_citizen_follows_with_their_own_address_at_once(
    defect_service, client, citizen_a
):
    found = report()
    client.force_login(citizen_a)

    follow(client, found, email=citizen_a.email)

    assert DefectFollower.objects.get(email=citizen_a.email).confirmed_at is not None
    assert not OutgoingEmail.objects.filter(to=[citizen_a.email]).exists()


def test_one_address_gets_at_most_five_confirmation_mails_an_hour(defect_service, client):
    reports = [report(latitude=51.55 + n / 1000, email=f"r{n}@example.org") for n in range(6)]
    for n, found in enumerate(reports[:5]):
        follow(Client(), found, email="opfer@example.org", REMOTE_ADDR=f"192.0.2.{n}")

    response = follow(client, reports[5], email="opfer@example.org", REMOTE_ADDR="192.0.2.50")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Zu viele Anfragen" in response.content.decode()
    assert 'value="opfer@example.org"' in response.content.decode()
    assert OutgoingEmail.objects.filter(to=["opfer@example.org"]).count() == 5


def unsubscribe_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/abbestellen/\S+/)", message.body).group(1)


def test_a_follow_hears_of_changes_only_once_confirmed_and_stops_with_the_link_of_a_mail(
    defect_service, client, case_worker, django_capture_on_commit_callbacks
):
    found = report()
    found.case.department.members.add(case_worker)
    follow(client, found)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=found.case, actor=case_worker, to_status="in_progress")
    assert not OutgoingEmail.objects.filter(to=["nachbar@example.org"], key__contains=":follower:")

    Client().post(confirmation_link(OutgoingEmail.objects.get(to=["nachbar@example.org"])))
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=found.case, actor=case_worker, to_status="waiting")
    [update] = OutgoingEmail.objects.filter(to=["nachbar@example.org"], key__contains=":follower:")
    link = unsubscribe_link(update)

    scanner = Client().get(link)  # opening the link asks, so a mail scanner stops nothing
    assert "E-Mails abbestellen" in scanner.content.decode()
    assert DefectFollower.objects.filter(email="nachbar@example.org").exists()
    done = Client().post(link)  # no login needed
    assert "Sie erhalten keine E-Mails mehr zu dieser Meldung" in done.content.decode()
    assert not DefectFollower.objects.filter(email="nachbar@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=found.case, actor=case_worker, to_status="in_progress")
    assert (
        OutgoingEmail.objects.filter(to=["nachbar@example.org"], key__contains=":follower:").count()
        == 1
    )
    again = Client().post(link)
    assert again.status_code == 200
    assert "Sie folgen dieser Meldung nicht mehr" in again.content.decode()
    assert DefectFollower.objects.filter(email=REPORTER_EMAIL).exists()  # only that follow went


def test_a_forged_or_foreign_unsubscribe_link_stops_nothing(defect_service, client):
    found, other = report(), report(latitude=51.56, email="zweite@example.org")
    reporter = DefectFollower.objects.get(report=found, email=REPORTER_EMAIL)
    from services import notifications

    token = notifications.unsubscribe_token(reporter)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert (
        client.post(f"/services/maengel/{found.case.reference}/abbestellen/{forged}/").status_code
        == 404
    )
    assert (
        client.post(f"/services/maengel/{other.case.reference}/abbestellen/{token}/").status_code
        == 404
    )
    assert DefectFollower.objects.filter(pk=reporter.pk).exists()
