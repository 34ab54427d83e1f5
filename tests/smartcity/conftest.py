import pytest
from django.contrib.auth.models import Group

from portal.models import Role
from smartcity import services
from tests.factories import UserFactory
from tests.smartcity.factories import PoleFactory


@pytest.fixture
def pole(db):
    return PoleFactory(number="CR-001", name="Marktplatz")


@pytest.fixture
def token(pole):
    return services.pole_token_rotate(pole=pole)


@pytest.fixture
def device(client, token, django_capture_on_commit_callbacks):
    """Posts JSON to the device API as the pole; the eager worker runs after commit."""

    def post(path: str, body, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/api/v1/smartcity/{path}",
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                **extra,
            )

    return post


@pytest.fixture
def operator(db):
    user = UserFactory(email="olga@stadt.example", name="Olga Operator", staff=True, mfa=True)
    user.groups.add(Group.objects.get_or_create(name=Role.OPERATOR.value)[0])
    return user


@pytest.fixture
def mqtt_url() -> str:
    import os

    url = os.environ.get("MQTT_URL")
    if not url:
        pytest.skip("needs Mosquitto: set MQTT_URL (e.g. mqtt://127.0.0.1:1883)")
    return url


def database_url() -> str:
    """The test database as a URL, for worker and bridge subprocesses."""
    from django.db import connection

    db = connection.settings_dict
    return "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
        USER=db["USER"], HOST=db["HOST"] or "127.0.0.1", PORT=db["PORT"] or 5432, NAME=db["NAME"]
    )
