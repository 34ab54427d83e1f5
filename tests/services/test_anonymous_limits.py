"""Anonymous writes that send e-mail are rate limited: defect reports (web and Open311) and
anonymous applications."""

import pytest
from django.test import Client

from portal.models import OutgoingEmail
from services import services
from services.models import Case, DefectReport
from tests.services.test_defects import REPORTER_EMAIL

pytestmark = pytest.mark.django_db


def web_report(client, email=REPORTER_EMAIL, **extra):
    data = {
        "category": "road",
        "latitude": "",
        "longitude": "",
        "address": "Lönsstraße 3",
        "description": "Schlagloch",
        "email": email,
        "name": "",
    }
    return client.post("/services/maengel/melden/", data, **extra)


def test_the_defect_form_stops_at_the_ip_limit_and_keeps_the_input(
    defect_service, client, settings
):
    settings.RATE_LIMIT_IP = "3/h"
    for n in range(3):
        assert web_report(client, email=f"n{n}@example.org").status_code == 302

    response = web_report(client, email="n9@example.org")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert "Zu viele Anfragen. Bitte versuchen Sie es in" in body
    assert "Schlagloch" in body
    assert DefectReport.objects.count() == 3


def test_the_defect_form_mails_one_address_at_most_five_times_an_hour(defect_service, client):
    for n in range(5):
        web_report(Client(), REMOTE_ADDR=f"192.0.2.{n}")

    response = web_report(client, REMOTE_ADDR="192.0.2.77")

    assert response.status_code == 429
    assert DefectReport.objects.count() == 5


@pytest.fixture
def api_key(defect_service):
    _key, raw = services.key_create(name="Test-App")
    return raw


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_answers_429_with_retry_after_in_its_error_format(client, api_key, fmt):
    data = {
        "api_key": api_key,
        "service_code": "maengel-light",
        "address_string": "Marktplatz",
        "description": "Laterne dunkel",
        "email": "opfer@example.org",
    }
    for _ in range(5):
        assert client.post(f"/open311/v2/requests.{fmt}", data).status_code == 201

    response = client.post(f"/open311/v2/requests.{fmt}", data)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    if fmt == "json":
        error = response.json()[0]
        assert error["code"] == 429
        assert "too many requests" in error["description"]
    else:
        assert b"<errors><error><code>429</code>" in response.content
    assert DefectReport.objects.count() == 5


def test_an_anonymous_application_mails_one_address_at_most_five_times_an_hour(client, settings):
    from tests.services.factories import ServiceFactory
    from tests.services.test_filing import fill_dog_form

    service = ServiceFactory(anonymous=True)
    data = {"applicant_name": "Anna", "applicant_email": "opfer@example.org", "consent": "on"}
    for n in range(6):
        browser = Client(REMOTE_ADDR=f"192.0.2.{n}")
        start = browser.post(f"/services/{service.slug}/beantragen/", {"email": f"a{n}@x.org"})
        review = fill_dog_form(browser, start)
        response = browser.post(review["Location"], data)

    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert Case.objects.count() == 5
    assert OutgoingEmail.objects.filter(to=["opfer@example.org"]).count() == 5
