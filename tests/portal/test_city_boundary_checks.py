"""Every place the portal accepts lies inside Castrop-Rauxel: a defect reported in Munich, by
the form or through Open311, and a proposal placed there are refused with a clear message and
nothing is saved."""

import pytest

from participation import services as participation_services
from participation.models import FieldOfAction, Proposal
from portal import maps
from portal.api import ApplicationError
from services import services
from services.models import Case, DefectReport
from tests.participation.conftest import make_process

pytestmark = pytest.mark.django_db

MUNICH = ("48.137400", "11.575500")
# Just beyond the city's southern edge: in Dortmund, inside the old rough outline's box.
DORTMUND_EDGE = ("51.520000", "7.330000")
OUTSIDE_DE = "Dieser Ort liegt außerhalb von Castrop-Rauxel."
OUTSIDE_EN = "This place is outside Castrop-Rauxel."


def defect_form(latitude: str, longitude: str) -> dict:
    return {
        "category": "road",
        "latitude": latitude,
        "longitude": longitude,
        "address": "",
        "description": "Schlagloch",
        "email": "ronja@example.org",
    }


@pytest.mark.parametrize("place", [MUNICH, DORTMUND_EDGE])
def test_the_defect_form_refuses_a_place_outside_the_city(client, defect_service, place):
    response = client.post("/services/maengel/melden/", defect_form(*place))

    assert response.status_code == 200
    assert OUTSIDE_DE in response.content.decode()
    assert not DefectReport.objects.exists()
    assert not Case.objects.exists()


def test_the_defect_form_says_so_in_english_on_the_english_site(client, defect_service):
    response = client.post("/en/services/maengel/melden/", defect_form(*MUNICH))

    assert OUTSIDE_EN in response.content.decode()
    assert not DefectReport.objects.exists()


def test_the_defect_form_accepts_a_place_in_the_city(client, defect_service):
    response = client.post("/services/maengel/melden/", defect_form("51.552700", "7.311400"))

    assert response.status_code == 302
    assert DefectReport.objects.count() == 1


def test_open311_refuses_a_defect_outside_the_city_with_an_open311_error(client, defect_service):
    _key, raw = services.key_create(name="Test-App")

    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": raw,
            "service_code": "maengel-road",
            "lat": MUNICH[0],
            "long": MUNICH[1],
            "description": "Schlagloch",
            "email": "ronja@example.org",
        },
    )

    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400
    assert error["description"].startswith(OUTSIDE_DE)
    assert not DefectReport.objects.exists()
    assert not Case.objects.exists()


@pytest.fixture
def proposal_setup(citizen_a):
    process = make_process("proposals")
    field = FieldOfAction.objects.create(slug="infrastruktur", name="Infrastruktur", order=1)
    return process, field


def test_a_proposal_placed_outside_the_city_is_refused(client, citizen_a, proposal_setup):
    _process, field = proposal_setup
    client.force_login(citizen_a)

    response = client.post(
        "/mitmachen/vorschlaege/neu/",
        {
            "title": "Trinkbrunnen",
            "description": "Am Marienplatz.",
            "field_of_action": field.pk,
            "latitude": MUNICH[0],
            "longitude": MUNICH[1],
        },
    )

    assert response.status_code == 200
    assert OUTSIDE_DE in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_proposal_service_refuses_it_too(citizen_a, proposal_setup):
    process, field = proposal_setup

    with pytest.raises(ApplicationError, match="außerhalb von Castrop-Rauxel"):
        participation_services.proposal_create(
            user=citizen_a,
            process=process,
            title="Trinkbrunnen",
            description="Am Marienplatz.",
            field_of_action=field,
            latitude=MUNICH[0],
            longitude=MUNICH[1],
        )
    assert not Proposal.objects.exists()


def test_the_check_is_one_portal_function_for_every_app():
    maps.location_check(latitude=51.5527, longitude=7.3114)  # inside: passes
    maps.location_check(latitude=None, longitude=None)  # no place: not this check's business

    with pytest.raises(ApplicationError) as refused:
        maps.location_check(latitude=48.1374, longitude=11.5755)
    assert refused.value.message.startswith(OUTSIDE_DE)
