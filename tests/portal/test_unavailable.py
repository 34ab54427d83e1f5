"""Database or broker down: 503 with Retry-After, a page that needs neither, JSON for the APIs.

The outage is real: the connection is pointed at a closed port (PostgreSQL) or at a file that
cannot exist (SQLite), so the backend itself fails to connect.
"""

from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client

from participation import services
from participation.models import ConceptDocument
from portal.celery import app as celery_app
from portal.models import Role
from tests.factories import UserFactory
from tests.participation.conftest import _with_role, add_section


@contextmanager
def _database_unreachable(tmp_path):
    """Every new query fails to connect inside the block; after it the database is back."""
    conn = connections["default"]
    saved_settings = dict(conn.settings_dict)
    saved_connection = None
    if conn.vendor == "postgresql":
        conn.close()
        conn.settings_dict.update(HOST="127.0.0.1", PORT="1")
    else:  # SQLite keeps an in-memory test database open through close(): set it aside
        saved_connection, conn.connection = conn.connection, None
        conn.settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "portal.sqlite3")
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(saved_settings)
        if saved_connection is not None:
            conn.connection = saved_connection


@pytest.fixture
def database_down(transactional_db, tmp_path):
    with _database_unreachable(tmp_path):
        yield


def _assert_unavailable_page(response, *, retry_after: str = "30") -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == retry_after
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"  # no proxy keeps the outage page
    assert "default-src 'self'" in response["Content-Security-Policy"]  # still the site's headers
    return response.content.decode()


def test_a_page_answers_503_in_german_without_touching_the_database(
    database_down, client, monkeypatch
):
    conn = connections["default"]
    attempts = []
    connect = conn.get_new_connection

    def counted_connect(params):
        attempts.append(params)
        return connect(params)

    monkeypatch.setattr(conn, "get_new_connection", counted_connect)

    response = client.get("/services/")

    html = _assert_unavailable_page(response)
    assert len(attempts) == 1  # the catalogue's query; the 503 page itself asks for nothing
    assert '<html lang="de">' in html
    assert "Vorübergehend nicht verfügbar" in html
    assert "kern.min.css" in html  # the site's KERN-UX look, not Django's bare error page
    assert 'href="/en/services/"' in html  # the same page in English, for later


def test_the_english_page_is_english_and_the_wait_is_configurable(database_down, client, settings):
    settings.UNAVAILABLE_RETRY_AFTER_SECONDS = 120

    response = client.get("/en/services/")

    html = _assert_unavailable_page(response, retry_after="120")
    assert '<html lang="en">' in html
    assert "Temporarily unavailable" in html


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_citizen_gets_the_503_page_too(tmp_path):
    """Their session lives in the database: the lookup behind request.user fails in a
    middleware, before any view runs."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(email="alice@example.org"))

    with _database_unreachable(tmp_path):
        response = client.get("/")

    assert "Vorübergehend nicht verfügbar" in _assert_unavailable_page(response)


def test_the_api_answers_503_json(database_down, client):
    response = client.get("/open311/v2/services.json")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == [
        {
            "code": 503,
            "description": "Der Dienst ist vorübergehend nicht verfügbar. "
            "Bitte versuchen Sie es später erneut.",
        }
    ]


def test_open311_in_xml_gets_its_error_in_xml(database_down, client):
    response = client.get("/open311/v2/services.xml")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>503</code>" in response.content


def test_healthz_still_reports_the_database_itself(database_down, client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
    assert "Retry-After" not in response


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a Redis that is not there, through fresh connections (the app pools its
    connections to the broker it met first: forget them before and after)."""

    def forget_pooled_connections():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_pooled_connections()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    yield
    forget_pooled_connections()


@pytest.mark.django_db
def test_a_broker_outage_gives_the_503_page(client, broker_down):
    """The concept PDF is built by a worker; asking for it while Redis is down is a 503."""
    document = ConceptDocument.objects.create(title="Digitale Europastadt", slug="konzept")
    add_section(document, "wlan", 1, "Freies WLAN", "WLAN am Marktplatz.")
    editor = _with_role(UserFactory(email="mira@stadt.example"), Role.MODERATOR)
    version = services.document_publish(document=document, user=editor, change_note="Erste")

    response = client.get(f"/mitmachen/konzept/version-{version.number}/pdf/")

    assert "Vorübergehend nicht verfügbar" in _assert_unavailable_page(response)
