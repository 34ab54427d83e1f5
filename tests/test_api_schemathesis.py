"""Schemathesis over the whole OpenAPI schema: no server error, every answer as documented.

Runs in-process on the Django WSGI app against pytest-django's database, authenticated as a pole
(device token) and as a citizen (session cookie). Open311 is not in this schema (it is not a DRF
API); it has its own fuzz tests.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.wsgi import application
from smartcity import services
from tests.factories import UserFactory
from tests.smartcity.factories import PoleFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


@pytest.fixture(autouse=True)
def _in_process(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # Like Django's test client: a request must not close the test's connection (and transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["signed-in", "anonymous"])
def credentials(request, db, client):
    """A pole's token and a citizen's session cookie, or nothing (401/403 must be documented)."""
    if request.param == "anonymous":
        return {}, {}
    pole = PoleFactory(number="CR-777")
    token = services.pole_token_rotate(pole=pole)
    client.force_login(UserFactory(email="fuzz@example.org"))
    return {"Authorization": f"Bearer {token}"}, {"sessionid": client.cookies["sessionid"].value}


# Loaded when the module is collected: serving the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, credentials):
    headers, cookies = credentials
    case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)
