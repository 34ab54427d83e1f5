"""The read-only API: a citizen's own cases and public events, nothing else."""

import pytest

from services import services
from tests.services.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_citizen_lists_only_their_own_cases(client, citizen_a, citizen_b):
    mine = CaseFactory(applicant=citizen_a)
    CaseFactory(applicant=citizen_b, reference="CR-2026-000888")
    client.force_login(citizen_a)

    data = client.get("/api/v1/services/cases/").json()

    assert [c["reference"] for c in data] == [mine.reference]
    assert data[0]["status"] == "received"


def test_a_case_has_its_public_events_but_no_internal_notes(
    client, citizen_a, case_worker, tax_office
):
    case = CaseFactory(applicant=citizen_a, department=tax_office)
    services.case_add_note(case=case, actor=case_worker, note="intern")
    services.case_transition(case=case, actor=case_worker, to_status="in_progress")
    client.force_login(citizen_a)

    data = client.get(f"/api/v1/services/cases/{case.reference}/").json()

    assert [e["to_status"] for e in data["events"]] == ["in_progress"]
    assert "intern" not in str(data)


def test_another_citizen_and_anonymous_visitors_get_nothing(client, citizen_a, citizen_b):
    case = CaseFactory(applicant=citizen_a)

    assert client.get(f"/api/v1/services/cases/{case.reference}/").status_code == 403
    client.force_login(citizen_b)
    assert client.get(f"/api/v1/services/cases/{case.reference}/").status_code == 404
    assert client.get("/api/v1/services/cases/").json() == []


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()

    assert "/api/v1/services/cases/{reference}/" in schema
    assert "My cases" in schema


def test_the_api_names_the_service_in_the_clients_language(client, citizen_a):
    case = CaseFactory(applicant=citizen_a)
    case.service.name_en = "Register a dog"
    case.service.save(update_fields=["name_en"])
    client.force_login(citizen_a)

    german = client.get("/api/v1/services/cases/").json()[0]["service"]
    english = client.get("/api/v1/services/cases/", HTTP_ACCEPT_LANGUAGE="en")
    by_parameter = client.get("/api/v1/services/cases/", {"lang": "en"}).json()[0]["service"]

    assert german == case.service.name_de
    assert english.json()[0]["service"] == "Register a dog"
    assert english["Content-Language"] == "en"
    assert by_parameter == "Register a dog"
