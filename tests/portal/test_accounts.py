import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from portal.models import Role, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, email="neu@example.org", prefix=""):
    return client.post(
        f"{prefix}/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def test_signup_creates_a_citizen_and_sends_a_german_verification_mail(client):
    response = _signup(client)

    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert user.has_role(Role.CITIZEN)
    assert user.language == "de"
    assert len(mail.outbox) == 1
    assert "Bestätigen" in mail.outbox[0].subject or "E-Mail" in mail.outbox[0].subject


def test_signup_in_english_sets_english_as_the_mail_language(client):
    _signup(client, prefix="/en")

    assert User.objects.get(email="neu@example.org").language == "en"
    assert "Confirm" in mail.outbox[0].subject


def test_login_is_refused_until_the_email_is_verified(client):
    _signup(client)
    client.logout()

    response = client.post("/accounts/login/", {"login": "neu@example.org", "password": PASSWORD})

    assert SESSION_KEY not in client.session
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/confirm-email/")

    link = _confirmation_link(mail.outbox[-1])
    client.post(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    response = client.post("/accounts/login/", {"login": "neu@example.org", "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(User.objects.get(email="neu@example.org").pk)


def test_login_renews_the_session_key(client, citizen_a):
    client.get("/accounts/login/")
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    client.post("/accounts/login/", {"login": citizen_a.email, "password": PASSWORD})

    assert client.cookies["sessionid"].value != before
    assert client.session[SESSION_KEY] == str(citizen_a.pk)


def test_failed_logins_are_rate_limited(client, citizen_a):
    for _ in range(5):
        client.post("/accounts/login/", {"login": citizen_a.email, "password": "falsch"})

    # Even the right password is refused while the limit holds.
    response = client.post("/accounts/login/", {"login": citizen_a.email, "password": PASSWORD})

    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_flood_of_login_requests_gets_429(client):
    statuses = {
        client.post("/accounts/login/", {"login": f"x{i}@example.org", "password": "x"}).status_code
        for i in range(25)
    }

    assert 429 in statuses


def test_password_change_ends_every_other_session(client, citizen_a):
    from django.test import Client

    other = Client()
    other.force_login(citizen_a)
    assert other.get(reverse("portal:profile")).status_code == 200
    client.force_login(citizen_a)

    new_password = "Ganz-neues-Passwort-77"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )

    assert response.status_code == 302
    assert client.get(reverse("portal:profile")).status_code == 200  # this session stays
    assert other.get(reverse("portal:profile")).status_code == 302  # the other one is gone


def test_staff_sessions_expire_after_fifteen_idle_minutes(client, staff_with_mfa, citizen_b):
    client.force_login(staff_with_mfa)
    client.get("/")
    assert client.session.get_expiry_age() == 15 * 60

    client.force_login(citizen_b)
    client.get("/")
    assert client.session.get_expiry_age() > 60 * 60


def test_anonymous_visitors_are_sent_to_login_for_the_profile(client):
    response = client.get(reverse("portal:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_deleting_an_account_requires_the_password(client, citizen_a):
    client.force_login(citizen_a)

    response = client.post(
        reverse("portal:profile_delete"), {"password": "falsch", "confirm": "on"}
    )

    assert response.status_code == 200
    assert "Das Passwort ist nicht korrekt." in response.content.decode()
    assert User.objects.filter(pk=citizen_a.pk).exists()


def test_deleting_an_account_removes_it_and_signs_out(client, citizen_a, citizen_b):
    client.force_login(citizen_a)

    response = client.post(
        reverse("portal:profile_delete"), {"password": PASSWORD, "confirm": "on"}, follow=True
    )

    assert not User.objects.filter(pk=citizen_a.pk).exists()
    assert User.objects.filter(pk=citizen_b.pk).exists()
    assert SESSION_KEY not in client.session
    assert "Ihr Konto und Ihre Daten wurden gelöscht." in response.content.decode()


def test_profile_changes_name_and_language(client, citizen_a):
    client.force_login(citizen_a)

    client.post(reverse("portal:profile"), {"name": "  Alice A. Ahrens ", "language": "en"})

    citizen_a.refresh_from_db()
    assert citizen_a.name == "Alice A. Ahrens"
    assert citizen_a.language == "en"


def test_profile_rejects_an_unknown_language_and_keeps_the_old_one(client, citizen_a):
    client.force_login(citizen_a)

    response = client.post(reverse("portal:profile"), {"name": "X", "language": "fr"})

    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    citizen_a.refresh_from_db()
    assert (citizen_a.name, citizen_a.language) == ("Alice Ahrens", "de")


def test_data_export_contains_my_data_and_nobody_elses(client, citizen_a, citizen_b):
    client.force_login(citizen_a)

    response = client.get(reverse("portal:profile_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="meine-daten-')
    data = response.json()
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["name"] == "Alice Ahrens"
    assert data["account"]["roles"] == ["citizen"]
    assert data["email_addresses"] == [
        {"email": "alice@example.org", "verified": True, "primary": True}
    ]
    assert "bob@example.org" not in response.content.decode()


def test_new_accounts_of_the_factory_are_citizens(db):
    assert UserFactory().has_role(Role.CITIZEN)
