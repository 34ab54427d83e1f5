"""Sign-up with e-mail verification, TOTP set-up and staff access to the admin, in a browser."""

import re

import pytest
from django.core import mail

from portal.models import User
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _verification_path(live_server) -> str:
    body = mail.outbox[-1].body
    url = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    return url.replace(re.match(r"https?://[^/]+", url).group(0), "")


def _activate_totp(page) -> str:
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:  # sensitive change: confirm the password first
        page.fill("input[name=password]", PASSWORD)
        page.click("form.auth-form button[type=submit]")
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", totp_code(secret))
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()
    return secret


def test_a_citizen_signs_up_verifies_the_email_and_sets_up_totp(page, live_server):
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "neu@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form.auth-form button[type=submit]")

    assert page.url.endswith("/accounts/confirm-email/")
    assert "E-Mail-Adresse" in page.inner_text("main")
    assert not User.objects.get(email="neu@example.org").emailaddress_set.get().verified

    page.goto(_verification_path(live_server))
    page.click("form.auth-form button[type=submit]")

    assert page.url.endswith("/accounts/profile/")
    assert "neu@example.org" in page.inner_text("main")
    user = User.objects.get(email="neu@example.org")
    assert user.emailaddress_set.get().verified

    _activate_totp(page)
    assert page.url.endswith("/accounts/2fa/recovery-codes/generate/") or "/2fa/" in page.url
    assert user.authenticator_set.filter(type="totp").exists()

    # Signing in again now asks for the code.
    page.click("header button:has-text('Abmelden')")
    page.wait_for_load_state()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "neu@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    assert page.url.endswith("/accounts/2fa/authenticate/")
    assert not page.is_visible("a[href='/accounts/profile/']")
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def test_staff_without_mfa_is_sent_to_set_it_up_before_the_admin(page, live_server):
    UserFactory(email="dirk@stadt.example", staff=True, is_superuser=True)
    page.goto("/admin/")
    assert "/accounts/login/" in page.url

    page.fill("input[name=login]", "dirk@stadt.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()

    # On to the TOTP set-up (after confirming the password, as for every sensitive change).
    assert "2fa%2Ftotp%2Factivate" in page.url or page.url.endswith("/2fa/totp/activate/")
    assert "ist die Zwei-Faktor-Authentifizierung Pflicht" in page.inner_text("main")

    _activate_totp(page)
    page.goto("/admin/")
    assert page.url.endswith("/admin/")
    assert "Verwaltung" in page.title()


def test_staff_with_mfa_signs_in_with_a_code_and_reaches_the_admin(page, live_server):
    UserFactory(email="carla@stadt.example", staff=True, is_superuser=True, mfa=True)

    page.goto("/admin/")
    page.fill("input[name=login]", "carla@stadt.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.fill("input[name=code]", totp_code(TOTP_SECRET))
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()

    assert page.url.endswith("/admin/")
    assert page.is_visible("a[href='/admin/portal/user/']")


def test_sign_up_works_with_the_keyboard_alone(page, live_server):
    page.goto("/accounts/signup/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    def tab_to(name: str) -> None:
        for _ in range(15):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == name:
                return
        raise AssertionError(f"Tab never reached the field {name}")

    tab_to("email")
    page.keyboard.type("tastatur@example.org")
    tab_to("password1")
    page.keyboard.type(PASSWORD)
    tab_to("password2")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/accounts/confirm-email/")
    assert User.objects.filter(email="tastatur@example.org").exists()
    assert mail.outbox[-1].to == ["tastatur@example.org"]
