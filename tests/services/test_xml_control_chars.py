"""A control character in a defect description (valid UTF-8, not allowed in XML 1.0) must not
make the city's ``requests.xml`` unreadable: it is removed where text enters, and again where
the XML is written, for values stored before."""

from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth.models import Permission

from portal.text import clean_text
from services import services
from services.models import Case, DefectReport
from tests.services.test_defects import REPORTER_EMAIL, confirm_report, report

pytestmark = pytest.mark.django_db
# A lone surrogate cannot travel in UTF-8 over HTTP; clean_text removes it all the same.
BAD = "Laterne\x01 flackert\x0b\x1f\ufffe\uffff seit\tgestern\nabend"
CLEAN = "Laterne flackert seit\tgestern\nabend"


def feed(client) -> ET.Element:
    response = client.get("/open311/v2/requests.xml")
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - must be well-formed for every client


def test_clean_text_keeps_tab_newline_cr_and_drops_what_xml_cannot_carry():
    assert clean_text("a\x00b\x08c\x0cd\x0ee\x1ff\x7fg\r\n\t\ufffdh\U0001f600") == (
        "abcdef\x7fg\r\n\t\ufffdh\U0001f600"
    )
    assert clean_text(BAD) == CLEAN
    assert clean_text("lone\ud800 \udfffsurrogates") == "lone surrogates"


def test_a_report_from_the_web_form_is_stored_clean(client, defect_service):
    response = client.post(
        "/services/maengel/melden/",
        {
            "category": "light",
            "latitude": "51.5608",
            "longitude": "7.2951",
            "description": BAD,
            "address": "Markt\x02platz",
            "email": REPORTER_EMAIL,
            "name": "Ronja\x07 Räuber",
            "confirm_new": "on",
        },
    )

    assert response.status_code == 302
    found = DefectReport.objects.get()
    confirm_report(client, found.case.reference)
    assert found.description == CLEAN
    assert found.address == "Marktplatz"
    assert found.case.applicant_name == "Ronja Räuber"
    assert feed(client).findtext("request/description") == CLEAN


def test_a_report_from_open311_is_stored_clean(client, defect_service):
    _key, api_key = services.key_create(name="Test-App")

    response = client.post(
        "/open311/v2/requests.xml",
        {
            "api_key": api_key,
            "service_code": "maengel-light",
            "lat": "51.5518",
            "long": "7.3097",
            "description": BAD,
            "address_string": "Markt\x02platz",
            "email": REPORTER_EMAIL,
            "first_name": "Ronja\x1b",
        },
    )

    assert response.status_code == 201
    found = DefectReport.objects.get()
    confirm_report(client, found.case.reference)
    assert found.description == CLEAN
    assert found.address == "Marktplatz"
    assert found.case.applicant_name == "Ronja"
    assert feed(client).findtext("request/description") == CLEAN


def test_a_bad_value_already_in_the_database_cannot_break_the_feed(client, defect_service):
    stored = report()
    # Written before input was cleaned (or by hand): SQLite and PostgreSQL keep it as it is.
    DefectReport.objects.filter(pk=stored.pk).update(
        description="Laterne\x01 flackert\x0b", address="Markt\x02platz", public_note="\x1b[31m"
    )
    Case.objects.filter(pk=stored.case_id).update(status="received")

    root = feed(client)

    entry = root.find("request")
    assert entry.findtext("description") == "Laterne flackert"
    assert entry.findtext("address") == "Marktplatz"
    assert entry.findtext("status_notes") == "[31m"
    detail = client.get(f"/open311/v2/requests/{stored.case.reference}.xml")
    assert ET.fromstring(detail.content).findtext("request/address") == "Marktplatz"  # noqa: S314


def test_a_public_note_from_the_admin_is_stored_clean(client, defect_service, case_worker):
    found = report()
    found.case.department.members.add(case_worker)
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    client.force_login(case_worker)

    client.post(
        f"/admin/services/case/{found.case_id}/aktion/defect/",
        {"public_note": "Wird\x0c geprüft\x1b"},
    )

    found.refresh_from_db()
    assert found.public_note == "Wird geprüft"
    assert feed(client).findtext("request/status_notes") == "Wird geprüft"
