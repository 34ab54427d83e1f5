"""Open311 under hostile input: every bad parameter is a 400 with the spec's error list in the
client's format and a German message (English on request), and nothing is stored."""

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from services import services
from services.models import Case, DefectReport

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"

DEFECT = {
    "service_code": "maengel-light",
    "lat": "51.5518",
    "long": "7.3097",
    "description": "Laterne dunkel",
    "email": "ronja@example.org",
    "first_name": "Ronja",
    "last_name": "Räuber",
}


@pytest.fixture
def api_key(defect_service):
    _key, raw = services.key_create(name="Test-App")
    return raw


@pytest.fixture
def plain_client():
    """A client that shows a server error as a 500 answer instead of raising it."""
    return Client(raise_request_exception=False)


def errors(response, fmt: str) -> list[dict]:
    """The Open311 error list of a response, checked to be in the asked format."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json"
        return response.json()
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == "errors"
    return [
        {"code": int(e.findtext("code")), "description": e.findtext("description")}
        for e in root.findall("error")
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lat", "nan", "lat muss eine Zahl zwischen -90 und 90 sein"),
        ("lat", "inf", "lat muss eine Zahl zwischen -90 und 90 sein"),
        ("lat", "-1e400", "lat muss eine Zahl zwischen -90 und 90 sein"),
        ("lat", "91", "lat muss eine Zahl zwischen -90 und 90 sein"),
        ("long", "NaN", "long muss eine Zahl zwischen -180 und 180 sein"),
        ("long", "1e308", "long muss eine Zahl zwischen -180 und 180 sein"),
        ("long", "-180.5", "long muss eine Zahl zwischen -180 und 180 sein"),
        ("email", "keine-adresse", "email muss eine gültige E-Mail-Adresse sein"),
        ("email", "a@b", "email muss eine gültige E-Mail-Adresse sein"),
        ("email", "a" * 250 + "@example.org", "email muss eine gültige E-Mail-Adresse sein"),
        ("first_name", "R" * 201, "first_name darf höchstens 200 Zeichen haben"),
        ("last_name", "R" * 201, "last_name darf höchstens 200 Zeichen haben"),
        ("last_name", "R" * 195, "first_name und last_name dürfen zusammen höchstens 200"),
        ("description", "D" * 2001, "description darf höchstens 2000 Zeichen haben"),
        ("address_string", "A" * 201, "address_string darf höchstens 200 Zeichen haben"),
        ("description", "Laterne\x00dunkel", "keine NUL-Zeichen"),
        ("email", "ronja\x00@example.org", "keine NUL-Zeichen"),
        ("first_name", "\x00", "keine NUL-Zeichen"),
        ("service_code", "maengel-\x00", "keine NUL-Zeichen"),
        ("api_key", "\x00", "keine NUL-Zeichen"),
        ("jurisdiction_id\x00", "x", "keine NUL-Zeichen"),
    ],
)
def test_a_bad_parameter_is_refused_in_the_clients_format_and_nothing_is_stored(
    plain_client, api_key, fmt, field, value, message
):
    response = plain_client.post(
        f"{BASE}/requests.{fmt}", {**DEFECT, "api_key": api_key, field: value}
    )

    assert response.status_code == 400
    [error] = errors(response, fmt)
    assert error["code"] == 400
    assert message in error["description"]
    assert not Case.objects.exists()
    assert not DefectReport.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start_date=2026-02-30T00:00:00Z", "start_date muss ein Zeitpunkt im W3C-Format"),
        ("end_date=2026-13-01T00:00:00Z", "end_date muss ein Zeitpunkt im W3C-Format"),
        ("start_date=2026-01-01T25:00:00Z", "start_date muss ein Zeitpunkt im W3C-Format"),
        ("start_date=2026-01-01T00:00:00%2B25:00", "start_date muss ein Zeitpunkt im W3C-Format"),
        ("end_date=0001-01-01T00:00:00Z", "außerhalb des möglichen Bereichs"),
        ("start_date=9999-12-31T23:59:59Z", "außerhalb des möglichen Bereichs"),
        ("service_request_id=%00", "keine NUL-Zeichen"),
        ("service_code=maengel-%00", "keine NUL-Zeichen"),
        ("service_request_id=" + ",".join(f"CR-2026-{i:06d}" for i in range(1001)), "höchstens"),
        ("service_code=" + ",".join(f"dienst-{i}" for i in range(40000)), "höchstens 1000"),
    ],
)
def test_a_bad_query_is_refused_in_the_clients_format(
    plain_client, defect_service, fmt, query, message
):
    response = plain_client.get(f"{BASE}/requests.{fmt}?{query}")

    assert response.status_code == 400
    [error] = errors(response, fmt)
    assert error["code"] == 400
    assert message in error["description"]


def test_errors_are_english_when_the_client_asks_for_english(plain_client, api_key):
    response = plain_client.post(
        f"{BASE}/requests.xml",
        {**DEFECT, "api_key": api_key, "lat": "nan"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert errors(response, "xml")[0]["description"] == "lat must be a number between -90 and 90."
    german = plain_client.post(f"{BASE}/requests.json", {**DEFECT, "api_key": api_key, "lat": "x"})
    assert german.json()[0]["description"] == "lat muss eine Zahl zwischen -90 und 90 sein."


def test_an_unknown_format_is_refused_in_german(plain_client, defect_service):
    response = plain_client.get(f"{BASE}/requests.csv")

    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "Das Format muss json oder xml sein."}]


def test_a_valid_request_still_passes_with_all_checks(plain_client, api_key):
    response = plain_client.post(f"{BASE}/requests.json", {**DEFECT, "api_key": api_key})

    assert response.status_code == 201
    report = DefectReport.objects.get()
    assert report.case.applicant_name == "Ronja Räuber"
    assert report.case.applicant_email == "ronja@example.org"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_body_django_refuses_is_answered_in_the_clients_format(plain_client, api_key, fmt):
    too_many = {f"attribute[f{i}]": "x" for i in range(1001)}
    too_large = {"description": "x" * (3 * 1024 * 1024)}

    for extra in (too_many, too_large):
        response = plain_client.post(
            f"{BASE}/requests.{fmt}", {**DEFECT, "api_key": api_key, **extra}
        )

        assert response.status_code == 400
        [error] = errors(response, fmt)
        assert "zu groß, hat zu viele Felder" in error["description"]
    broken = plain_client.post(
        f"{BASE}/requests.{fmt}",
        b"--\r\nnot multipart",
        content_type="multipart/form-data; boundary=",
    )
    assert broken.status_code == 400
    assert errors(broken, fmt)[0]["code"] == 400
    assert not Case.objects.exists()


def test_too_many_query_parameters_are_answered_in_the_clients_format(plain_client, defect_service):
    query = "&".join(f"p{i}=1" for i in range(1001))

    response = plain_client.get(f"{BASE}/requests.xml?{query}")

    assert response.status_code == 400
    assert "zu viele Felder" in errors(response, "xml")[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_wrong_method_is_refused_in_the_clients_format(plain_client, defect_service, fmt):
    response = plain_client.put(f"{BASE}/requests.{fmt}", "x")

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert errors(response, fmt) == [
        {"code": 405, "description": "Die Methode PUT ist hier nicht erlaubt."}
    ]
