"""The account pages and e-mails address citizens formally ("Sie"), as the rest of the portal."""

import re
from html import unescape

import pytest
from django.core import mail

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

INFORMAL = re.compile(r"\b(du|dein\w*|dich|dir|dir's)\b", re.IGNORECASE)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _informal(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if INFORMAL.search(line)]


def _page(client, path: str) -> str:
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    return _visible_text(response.content.decode())


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-set-password/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/no-such-key/",
]
SIGNED_IN_PAGES = [
    "/accounts/logout/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
]
MFA_PAGES = [
    "/accounts/2fa/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/generate/",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_account_pages_for_visitors_say_sie(client, path):
    assert _informal(_page(client, path)) == []


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_account_pages_for_citizens_say_sie(client, citizen_a, path):
    client.force_login(citizen_a)
    assert _informal(_page(client, path)) == []


@pytest.mark.parametrize("path", MFA_PAGES)
def test_mfa_pages_say_sie(client, staff_with_mfa, path):
    client.force_login(staff_with_mfa)
    assert _informal(_page(client, path)) == []


def test_account_emails_and_messages_say_sie(client, citizen_a):
    client.post(
        "/accounts/signup/",
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post("/accounts/password/reset/", {"email": citizen_a.email})
    client.force_login(citizen_a)
    signed_out = client.post("/accounts/logout/", follow=True)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert _informal(message.subject + "\n" + message.body) == []
    assert "Sie haben sich abgemeldet." in signed_out.content.decode()
    assert "Vielen Dank, dass Sie" in mail.outbox[0].body


def _signup(client, prefix=""):
    return client.post(
        f"{prefix}/accounts/signup/",
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.parametrize(
    ("prefix", "city"), [("", "Stadt Castrop-Rauxel"), ("/en", "City of Castrop-Rauxel")]
)
def test_the_verification_mail_speaks_for_the_city_and_its_portal(client, settings, prefix, city):
    settings.PORTAL_BASE_URL = "https://portal.castrop-rauxel.example/"

    _signup(client, prefix)

    (message,) = mail.outbox
    assert message.subject.startswith("[Stadt Castrop-Rauxel] ")
    assert city in message.body.splitlines()[0]
    assert message.body.rstrip().endswith("\nhttps://portal.castrop-rauxel.example")
    assert message.body.count("portal.castrop-rauxel.example") == 2  # "an account on ..." too
    assert "testserver!" not in message.body
    assert "example.com" not in message.body


def test_the_confirm_page_asks_whether_the_address_is_yours(client):
    _signup(client)
    link = re.search(r"/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)

    text = " ".join(_page(client, link).split())

    assert "Bitte bestätigen Sie, dass neu@example.org Ihre E-Mail-Adresse ist." in text
    assert "eine E-Mail-Adresse von" not in text
