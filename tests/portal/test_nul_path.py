"""A NUL byte in a URL path names no page: 400, never a server error (PostgreSQL refuses NUL
in a lookup, so a view that looked the slug or reference up would fail)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/services/%00/",
        "/services/maengel/%00/",
        "/services/maengel/CR-2026-%00/",
        "/en/services/%00/",
        "/mitmachen/%00",
        "/smartcity/%00/",
        "/open311/v2/services/%00.json",
        "/admin/%00/",
    ],
)
def test_a_nul_byte_in_the_path_is_a_bad_request(defect_service, path):
    client = Client(raise_request_exception=False)

    response = client.get(path)

    assert response.status_code == 400


def test_an_ordinary_path_is_not_affected(client, defect_service):
    assert client.get("/services/maengel/").status_code == 200
