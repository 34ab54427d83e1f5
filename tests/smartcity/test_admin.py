"""The admin: a pole's token is shown once on rotation; dead letters are visible and requeued;
the device API is in the OpenAPI schema."""

import pytest
from django.contrib.admin.models import LogEntry

from portal.tokens import token_hash
from smartcity.models import BatchStatus, IngestBatch, Pole, Reading
from tests.smartcity.test_ingest import ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    return client


def test_rotating_a_token_in_the_admin_shows_the_new_token_once(admin_client, pole, token):
    response = admin_client.post(
        "/admin/smartcity/pole/",
        {"action": "rotate_token", "_selected_action": [pole.pk]},
        follow=True,
    )

    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    new_token = shown[0].rsplit(": ", 1)[1]
    active = pole.tokens.get(revoked_at__isnull=True)
    assert active.token_hash == token_hash(new_token)
    assert (
        new_token
        not in admin_client.get(f"/admin/smartcity/pole/{pole.pk}/change/").content.decode()
    )


def test_rotating_a_token_in_the_admin_writes_a_history_entry_without_the_token(
    admin_client, staff_with_mfa, pole, token
):
    response = admin_client.post(
        "/admin/smartcity/pole/",
        {"action": "rotate_token", "_selected_action": [pole.pk]},
        follow=True,
    )
    new_token = str(next(iter(response.context["messages"]))).rsplit(": ", 1)[1]

    entry = LogEntry.objects.get(object_id=str(pole.pk))
    assert entry.user == staff_with_mfa
    assert entry.get_change_message() == f"Device token rotated (new token {new_token[:6]}…)."
    history = admin_client.get(f"/admin/smartcity/pole/{pole.pk}/history/").content.decode()
    assert "Device token rotated" in history
    assert new_token not in history


def test_revoking_and_requeueing_in_the_admin_are_in_the_history(admin_client, pole, token):
    admin_client.post(
        "/admin/smartcity/pole/", {"action": "revoke_token", "_selected_action": [pole.pk]}
    )
    batch = IngestBatch.objects.create(
        pole=pole, kind="readings", payload={"readings": []}, status=BatchStatus.DEAD
    )
    admin_client.post(
        "/admin/smartcity/ingestbatch/", {"action": "requeue", "_selected_action": [batch.pk]}
    )

    messages = set(LogEntry.objects.values_list("change_message", flat=True))
    assert messages == {"Device token revoked.", "Queued to be processed again."}


def test_revoking_in_the_admin_locks_the_pole_out(admin_client, device, pole):
    admin_client.post(
        "/admin/smartcity/pole/", {"action": "revoke_token", "_selected_action": [pole.pk]}
    )

    assert device("readings", {"readings": []}).status_code == 401


def test_dead_letters_are_listed_and_can_be_processed_again(
    admin_client, pole, django_capture_on_commit_callbacks
):
    channel = pole.channels.get(key="pm10")
    batch = IngestBatch.objects.create(
        pole=pole,
        kind="readings",
        payload={"readings": [[channel.pk, ago(minutes=1), 4.0]]},
        status=BatchStatus.DEAD,
        attempts=5,
        error="OperationalError('server closed the connection')",
    )
    listing = admin_client.get("/admin/smartcity/ingestbatch/?status__exact=dead").content.decode()
    assert "Unzustellbar" in listing

    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs (eager)
        admin_client.post(
            "/admin/smartcity/ingestbatch/",
            {"action": "requeue", "_selected_action": [batch.pk]},
        )

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Reading.objects.count() == 1


def test_the_device_api_is_documented_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()

    assert "/api/v1/smartcity/readings:" in schema
    assert "/api/v1/smartcity/events:" in schema
    assert "Retry-After" in schema or "503" in schema


@pytest.mark.parametrize("path", ["/api/v1/smartcity/readings", "/api/v1/smartcity/events"])
def test_the_device_api_schema_offers_only_json_bodies(client, path):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)

    assert list(schema["paths"][path]["post"]["requestBody"]["content"]) == ["application/json"]


@pytest.mark.parametrize("path", ["/api/v1/smartcity/readings", "/api/v1/smartcity/events"])
def test_the_device_api_refuses_a_form_body_with_a_json_400(client, token, path):
    response = client.post(
        path, {"readings": "x"}, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "The body is not valid JSON."


def test_a_pole_added_in_the_admin_gets_its_channels_and_a_token_shown_once(admin_client):
    from smartcity.models import Pole

    response = admin_client.post(
        "/admin/smartcity/pole/add/",
        {
            "number": "CR-100",
            "name": "Neuer Mast",
            "latitude": "51.55",
            "longitude": "7.31",
            "has_light": "on",
            "charger_connectors": "0",
            "has_environment": "on",
            "status": "active",
            "channels-TOTAL_FORMS": "0",
            "channels-INITIAL_FORMS": "0",
            "tokens-TOTAL_FORMS": "0",
            "tokens-INITIAL_FORMS": "0",
        },
        follow=True,
    )

    pole = Pole.objects.get(number="CR-100")
    assert {c.key for c in pole.channels.all()} >= {"pm10", "no2", "light_level"}
    shown = next(str(m) for m in response.context["messages"] if "Token" in str(m))
    token = shown.rsplit(": ", 1)[1]
    assert pole.tokens.get().token_hash == token_hash(token)


def test_deleting_a_pole_in_the_admin_deletes_its_readings(admin_client, device, pole):
    device("readings", {"readings": [{"channel": "pm10", "ts": ago(minutes=1), "value": 3}]})

    admin_client.post(
        "/admin/smartcity/pole/",
        {"action": "delete_selected", "_selected_action": [pole.pk], "post": "yes"},
    )

    assert not Reading.objects.exists()
    assert not Pole.objects.exists()
