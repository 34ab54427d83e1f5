"""Open311 GeoReport v2: every endpoint and error case, in JSON and XML."""

from datetime import timedelta
from io import StringIO
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone

from services import defects, services
from services.models import Case, DefectReport
from tests.services.test_defects import REPORTER_EMAIL, REPORTER_NAME, confirm_report, report

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def api_key(defect_service):
    _key, raw = services.key_create(name="Test-App")
    return raw


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def test_discovery_names_the_specification_in_both_formats(client, defect_service):
    data = client.get(f"{BASE}/discovery.json").json()
    root = xml(client.get(f"{BASE}/discovery.xml"))

    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["formats"] == ["application/json", "text/xml"]
    assert root.tag == "discovery"
    assert (
        root.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
    )


def test_services_list_defect_kinds_and_anonymous_services_only(client, defect_service):
    codes = [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    root = xml(client.get(f"{BASE}/services.xml"))

    assert "maengel-road" in codes
    assert "sperrmuell" in codes  # accepts anonymous filing
    assert "hundeanmeldung" not in codes  # needs an account
    assert [e.text for e in root.findall("service/service_code")] == codes


def test_a_service_definition_comes_from_the_form(client, defect_service):
    data = client.get(f"{BASE}/services/sperrmuell.json").json()
    root = xml(client.get(f"{BASE}/services/sperrmuell.xml"))

    attributes = {a["code"]: a for a in data["attributes"]}
    assert attributes["items"]["datatype"] == "multivaluelist"
    assert {"key": "furniture", "name": "Möbel"} in attributes["items"]["values"]
    assert attributes["volume"]["datatype"] == "number"
    assert attributes["notes"]["required"] is False
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/code").text == data["attributes"][0]["code"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_as_an_error_list(client, defect_service, fmt):
    response = client.get(f"{BASE}/services/gibtsnicht.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [
            {"code": 404, "description": "service_code gibtsnicht wurde nicht gefunden."}
        ]
    else:
        assert xml(response).find("error/code").text == "404"


def test_posting_a_defect_creates_a_report_and_its_request_is_readable(client, api_key):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "maengel-light",
            "lat": "51.5518",
            "long": "7.3097",
            "description": "Laterne dunkel",
            "email": REPORTER_EMAIL,
            "first_name": "Ronja",
            "last_name": "Räuber",
        },
    )

    assert response.status_code == 201
    token = response.json()[0]["token"]
    found = DefectReport.objects.get(open311_token=token)
    reference = found.case.reference
    assert found.category == "light"
    confirm_report(client, reference)
    detail = client.get(f"{BASE}/requests/{reference}.json").json()[0]
    assert detail["status"] == "open"
    assert detail["service_code"] == "maengel-light"
    assert detail["lat"] == 51.5518
    assert detail["requested_datetime"].endswith("+01:00")
    assert detail["expected_datetime"] is not None
    assert detail["media_url"] is None
    body = client.get(f"{BASE}/requests/{reference}.xml").content.decode()
    assert REPORTER_EMAIL not in body
    assert "Räuber" not in body


def test_posting_an_anonymous_service_with_attributes_creates_a_case(client, api_key):
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": api_key,
            "service_code": "sperrmuell",
            "email": "a@example.org",
            "attribute[address__street]": "Europaplatz 1",
            "attribute[address__postcode]": "44575",
            "attribute[address__city]": "Castrop-Rauxel",
            "attribute[items][]": ["furniture", "carpet"],
            "attribute[volume]": "3",
        },
    )

    assert response.status_code == 201
    reference = xml(response).find("request/service_request_id").text
    case = Case.objects.get(reference=reference)
    assert case.answers["items"] == ["furniture", "carpet"]
    assert case.answers["volume"] == "3"


def test_invalid_attributes_are_refused_and_nothing_is_created(client, api_key):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "sperrmuell",
            "email": "a@example.org",
            "attribute[address__street]": "Europaplatz 1",
            "attribute[address__postcode]": "123",
            "attribute[address__city]": "Castrop-Rauxel",
            "attribute[items]": "furniture",
            "attribute[volume]": "9",
        },
    )

    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("attribute[address__postcode]")
    assert not Case.objects.filter(service__slug="sperrmuell").exists()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"service_code": "maengel-road", "lat": "51.5", "long": "7.3"},
            403,
            "api_key ist erforderlich",
        ),
        ({"api_key": "falsch", "service_code": "maengel-road"}, 403, "api_key ist nicht gültig"),
        ({"api_key": "KEY"}, 400, "service_code ist erforderlich"),
        (
            {
                "api_key": "KEY",
                "service_code": "maengel-road",
                "description": "x",
                "email": "a@example.org",
            },
            400,
            "Ein Ort ist erforderlich",
        ),
        ({"api_key": "KEY", "service_code": "maengel-zzz"}, 404, "nicht gefunden"),
        (
            {"api_key": "KEY", "service_code": "maengel-road", "lat": "nord", "long": "7"},
            400,
            "lat muss eine Zahl zwischen -90 und 90 sein",
        ),
    ],
)
def test_post_errors(client, api_key, data, status, message):
    data = {k: (api_key if v == "KEY" else v) for k, v in data.items()}

    response = client.post(f"{BASE}/requests.json", data)

    assert response.status_code == status
    assert message in response.json()[0]["description"]
    assert not DefectReport.objects.exists()


def test_a_revoked_key_is_refused(client, api_key):
    # "--revoke=PREFIX": a prefix may begin with "-", which argparse takes for an option.
    call_command("open311_key", f"--revoke={api_key[:8]}", stdout=StringIO())

    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "maengel-road",
            "lat": "51.5",
            "long": "7.3",
            "description": "x",
            "email": "a@example.org",
        },
    )

    assert response.status_code == 403


def test_requests_filters_by_id_code_status_and_dates(client, defect_service, case_worker):
    road = report()
    light = report(category="light", latitude=51.56)
    old = report(category="green", latitude=51.57)
    Case.objects.filter(pk=old.case_id).update(submitted_at=timezone.now() - timedelta(days=120))
    light.case.department.members.add(case_worker)
    services.case_transition(
        case=light.case, actor=case_worker, to_status="rejected", note="Erledigt"
    )

    def ids(query):
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json{query}").json()]

    assert set(ids("")) == {road.case.reference, light.case.reference}  # 90 days by default
    assert ids(f"?service_request_id={old.case.reference}") == [old.case.reference]
    assert ids("?service_code=maengel-light") == [light.case.reference]
    assert ids("?status=closed") == [light.case.reference]
    assert ids("?status=open") == [road.case.reference]
    start = (timezone.now() - timedelta(days=130)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert ids(f"?start_date={start}&end_date={end}") == [old.case.reference]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start_date=2026-01-01", "mit Zeitzone"),
        ("?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "höchstens 90 Tage"),
        ("?start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "vor end_date"),
        ("?status=pending", "open oder closed"),
    ],
)
def test_request_query_errors(client, defect_service, query, message):
    response = client.get(f"{BASE}/requests.json{query}")

    assert response.status_code == 400
    assert message in response.json()[0]["description"]


def test_status_notes_and_media_url_follow_the_public_view(client, defect_service, case_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.services.test_filing import jpeg_with_gps

    found = report(photos=[SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg")])
    url = f"{BASE}/requests/{found.case.reference}.json"
    assert client.get(url).json()[0]["media_url"] is None

    found.case.department.members.add(case_worker)
    defects.photo_release(attachment=found.case.attachments.get(), actor=case_worker)
    found.public_note = "Reparatur beauftragt"
    found.save(update_fields=["public_note"])

    entry = client.get(url).json()[0]
    assert entry["media_url"].startswith("http://testserver/services/maengel/")
    assert entry["status_notes"] == "Reparatur beauftragt"
    assert REPORTER_NAME not in str(entry)


def test_a_token_leads_to_its_request(client, defect_service):
    found = report()

    data = client.get(f"{BASE}/tokens/{found.open311_token}.json").json()

    assert data == [{"service_request_id": found.case.reference, "token": found.open311_token}]
    assert client.get(f"{BASE}/tokens/unbekannt.json").status_code == 404


def test_the_key_command_prints_a_key_once_and_stores_only_its_hash(defect_service):
    out = StringIO()
    call_command("open311_key", "Bürger-App", stdout=out)
    raw = out.getvalue().strip()

    from services.models import Open311Key

    stored = Open311Key.objects.get(name="Bürger-App")
    assert raw not in (stored.key_hash, stored.prefix)
    assert stored.prefix == raw[:8]
