"""Property-based tests of the Open311 parameters: whatever a client sends, the API never
answers 5xx; a refusal carries the spec's error list in the asked format and stores nothing;
a created request can be read back as well-formed XML."""

from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from services import services
from services.models import Case, DefectReport
from tests.services.test_defects import confirm_report

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Lone surrogates cannot be encoded in an HTTP request; every other code point can come.
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
control_text = st.text(st.characters(max_codepoint=0x1F) | st.sampled_from("ab \ufffe\uffff"))
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.sampled_from(["nan", "-inf", "Infinity", "1e400", "51.55", "7.31", "0x10", "", " 1"]),
)
dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(
        [
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:00+01:00",
            "2026-01-01T00:00:00+25:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-01-01",
            "heute",
        ]
    ),
)
long_text = st.integers(min_value=0, max_value=2600).map(lambda n: "ä" * n)
value = st.one_of(any_text, control_text, numbers, dates, long_text)
emails = st.one_of(
    st.integers(min_value=1, max_value=300).map(lambda n: "r" * n + "@example.org"),
    value,
)
codes = st.one_of(
    st.sampled_from(["maengel-light", "maengel-road", "sperrmuell", "maengel-zzz", "", "x"]),
    any_text,
)


def mostly(good: str, bad):
    """Often a good value, so that some requests get through and are read back."""
    return st.one_of(st.just(good), st.just(good), bad)


query_keys = st.sampled_from(
    ["start_date", "end_date", "status", "service_code", "service_request_id", "jurisdiction_id"]
)


@pytest.fixture
def api_key(defect_service):
    _key, raw = services.key_create(name="Fuzz-App")
    return raw


@pytest.fixture
def plain_client():
    """A client that shows a server error as a 500 answer instead of raising it."""
    return Client(raise_request_exception=False)


def assert_error_list(response, fmt: str) -> None:
    if fmt == "json":
        assert response["Content-Type"] == "application/json"
        [error] = response.json()
        code, description = error["code"], error["description"]
    else:
        assert response["Content-Type"].startswith("text/xml")
        root = ET.fromstring(response.content)  # noqa: S314 - our own response
        assert root.tag == "errors"
        code, description = int(root.findtext("error/code")), root.findtext("error/description")
    assert code == response.status_code
    assert description


def assert_readable(response, fmt: str) -> None:
    if fmt == "json":
        assert isinstance(response.json(), list)
    else:
        ET.fromstring(response.content)  # noqa: S314 - must be well-formed


@FUZZ
@given(
    fmt=st.sampled_from(["json", "xml"]),
    params=st.dictionaries(query_keys | any_text, value | codes, max_size=4),
)
def test_any_query_is_answered_without_a_server_error(plain_client, defect_service, fmt, params):
    response = plain_client.get(f"{BASE}/requests.{fmt}", params)

    event(f"status {response.status_code}")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert_error_list(response, fmt)
    else:
        assert response.status_code == 200
        assert_readable(response, fmt)


@FUZZ
@given(
    fmt=st.sampled_from(["json", "xml"]),
    code=mostly("maengel-light", codes),
    lat=mostly("51.5518", numbers),
    long=mostly("7.3097", numbers),
    email=mostly("ronja@example.org", emails),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "description",
                "address_string",
                "first_name",
                "last_name",
                "attribute[volume]",
                "attribute[notes]",
                "attribute[items][]",
                "attribute[address__street]",
                "attribute[address__postcode]",
                "attribute[address__city]",
                "device_id",
            ]
        )
        | any_text,
        value,
        max_size=6,
    ),
)
def test_any_new_request_is_refused_cleanly_or_readable_as_xml(
    plain_client, api_key, fmt, code, lat, long, email, fields
):
    data = {"description": "Laterne dunkel", **fields}
    data.update(api_key=api_key, service_code=code, lat=lat, long=long, email=email)
    before = Case.objects.count()

    response = plain_client.post(f"{BASE}/requests.{fmt}", data)

    event(f"status {response.status_code}")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert_error_list(response, fmt)
        assert Case.objects.count() == before
        return
    assert response.status_code == 201
    created = (
        response.json()[0]
        if fmt == "json"
        else {e.tag: e.text for e in ET.fromstring(response.content).find("request")}  # noqa: S314
    )
    if created.get("token"):  # a defect report: public once its address is confirmed
        found = DefectReport.objects.get(open311_token=created["token"])
        confirm_report(plain_client, found.case.reference)
        token = plain_client.get(f"{BASE}/tokens/{created['token']}.json").json()[0]
        created["service_request_id"] = token["service_request_id"]
    reference = created["service_request_id"]
    detail = plain_client.get(f"{BASE}/requests/{reference}.xml")
    assert detail.status_code == 200
    root = ET.fromstring(detail.content)  # noqa: S314 - must be well-formed
    assert root.findtext("request/service_request_id") == reference
    feed = plain_client.get(f"{BASE}/requests.xml")
    assert reference in {e.text for e in ET.fromstring(feed.content).iter("service_request_id")}  # noqa: S314
