"""Security baseline: headers on every page, production settings, CSRF, no inline code."""

import json
import os
import re
import subprocess
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

BASE_DIR = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-from-the-environment-0123456789",
    "ALLOWED_HOSTS": "portal.castrop-rauxel.de",
}
EXTRA_URLS = ["/healthz", "/api/schema/", "/api/docs/", "/admin/login/", "/favicon.ico"]


def crawl_with_client(client: Client) -> dict[str, object]:
    """Every same-site link reachable from the home page, fetched over HTTPS."""
    seen: dict[str, object] = {}
    queue = deque(["/", *EXTRA_URLS])
    while queue:
        path = queue.popleft()
        if path in seen or path.startswith(("/static/", "/accounts/logout/")):
            continue
        response = client.get(path, secure=True)
        seen[path] = response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)', response.content.decode()):
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path)
    return seen


def assert_security_headers(path: str, response) -> None:
    csp = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, path
    assert "script-src 'self'" in csp, path
    assert "frame-ancestors 'none'" in csp, path
    assert "unsafe-inline" not in csp, path
    assert "unsafe-eval" not in csp, path
    assert response["Strict-Transport-Security"].startswith("max-age=31536000"), path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["X-Frame-Options"] == "DENY", path


@pytest.mark.django_db
def test_every_page_of_every_persona_sends_the_security_headers(citizen_a, staff_with_mfa):
    anonymous, citizen, staff = Client(), Client(), Client()
    citizen.force_login(citizen_a)
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    staff.force_login(staff_with_mfa)

    checked = 0
    for client in (anonymous, citizen, staff):
        for path, response in crawl_with_client(client).items():
            assert_security_headers(path, response)
            checked += 1

    assert checked > 60  # the crawl really went through the site, the admin included


@pytest.mark.django_db
def test_pages_contain_no_inline_scripts_or_style_attributes(client, citizen_a):
    client.force_login(citizen_a)
    for path, response in crawl_with_client(client).items():
        if "text/html" not in response.get("Content-Type", "") or path.startswith("/admin"):
            continue
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=\"", html), path
        assert not re.search(r"\son[a-z]+=\"", html), path  # no inline event handlers


@pytest.mark.django_db
def test_forms_without_a_csrf_token_are_refused(citizen_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen_a)

    response = client.post("/accounts/profile/", {"name": "Mallory", "language": "de"})

    assert response.status_code == 403
    citizen_a.refresh_from_db()
    assert citizen_a.name == "Alice Ahrens"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PROD_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_demand_a_secret_key_and_allowed_hosts():
    result = _run(["manage.py", "check"], {"DJANGO_DEBUG": "false"})

    assert result.returncode != 0
    assert "requires SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_production_cookies_are_secure_httponly_and_samesite():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ['SESSION_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SECURE', "
        "'CSRF_COOKIE_HTTPONLY', 'CSRF_COOKIE_SAMESITE', 'SECURE_SSL_REDIRECT', 'DEBUG']}))"
    )
    result = _run(["-c", code], {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings"})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "DEBUG": False,
    }


@pytest.mark.django_db
def test_an_anonymous_visit_sets_no_cookie_at_all(client):
    for path in ["/", "/impressum/", "/datenschutz/", "/leichte-sprache/", "/services/"]:
        response = client.get(path, secure=True)
        assert response.cookies == {}, path
