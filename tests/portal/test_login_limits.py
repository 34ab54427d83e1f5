"""Failed sign-ins slow an attacker down without locking the account's owner out."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def _login(client, email, password, ip):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_wrong_passwords_from_one_ip_do_not_lock_the_owner_out(client, citizen_a):
    attacker = Client()
    for _ in range(6):
        _login(attacker, citizen_a.email, "falsch", ATTACKER)

    # The attacker's IP is throttled, even with the right password ...
    response = _login(attacker, citizen_a.email, PASSWORD, ATTACKER)
    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()
    assert SESSION_KEY not in attacker.session
    # ... and the owner, from another IP, signs in.
    response = _login(client, citizen_a.email, PASSWORD, OWNER)
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == citizen_a.pk


def test_past_the_accounts_allowance_unknown_ips_wait_while_the_owners_ip_works(
    client, citizen_a, settings, monkeypatch
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = "10/h"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # the delays are seconds: a slow run passes them
    _login(client, citizen_a.email, PASSWORD, OWNER)  # the owner has signed in from here
    client.logout()
    # An attacker spreads wrong passwords over many IPs (two each, under the pair limit).
    for n in range(6):
        for _ in range(2):
            _login(Client(), citizen_a.email, "falsch", f"203.0.113.{n + 10}")

    response = _login(Client(), citizen_a.email, PASSWORD, "203.0.113.99")
    assert "Bitte versuchen Sie es in" in response.content.decode()
    assert response.status_code == 200  # the form again, with the wait; no lock
    # The owner's own IP is not delayed.
    response = _login(client, citizen_a.email, PASSWORD, OWNER)
    assert response.status_code == 302


def test_the_delay_is_for_that_attempt_only(client, citizen_a, settings, monkeypatch):
    settings.LOGIN_FAILURES_PER_ACCOUNT = "2/h"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    for n in range(3):
        _login(Client(), citizen_a.email, "falsch", f"203.0.113.{n + 10}")
    assert (
        "Bitte versuchen Sie es in"
        in _login(client, citizen_a.email, PASSWORD, OWNER).content.decode()
    )

    later = now + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = _login(client, citizen_a.email, PASSWORD, OWNER)
    assert response.status_code == 302


def test_a_flood_of_sign_in_requests_gets_a_german_429_page(client):
    statuses = []
    for n in range(25):
        response = _login(client, f"x{n}@example.org", "x", ATTACKER)
        statuses.append(response.status_code)

    assert statuses[-1] == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert '<html lang="de">' in response.content.decode()
