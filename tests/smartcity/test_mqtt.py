"""MQTT: the bridge feeds the inbox; Mosquitto's files let a pole publish only to its own topics."""

import getpass
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.core.management import call_command
from django.db import connection

from smartcity import mqtt as bridge
from smartcity import services
from smartcity.models import IngestBatch, Reading
from tests.smartcity.conftest import database_url
from tests.smartcity.factories import PoleFactory
from tests.smartcity.test_ingest import ago

BASE_DIR = Path(__file__).resolve().parents[2]


def _client(client_id: str, user: str | None = None, password: str | None = None):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    if user:
        client.username_pw_set(user, password)
    return client


@pytest.mark.django_db(transaction=True)
def test_a_reading_published_over_mqtt_appears_in_the_database(postgres_db, mqtt_url):
    pole = PoleFactory(number=f"MQ-{uuid.uuid4().hex[:6]}")
    broker = bridge.broker_from_url(mqtt_url)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # the bridge runs tasks eagerly
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "mqtt_bridge",
            "--client-id",
            f"test-{pole.number}",
            "--clean-session",
        ],
        cwd=BASE_DIR,
        env={
            **env,
            "DATABASE_URL": database_url(),
            "MQTT_URL": mqtt_url,
            "DJANGO_TESTING": "false",
        },
    )
    publisher = _client(f"pub-{pole.number}", broker["username"], broker["password"])
    publisher.connect(broker["host"], broker["port"])
    publisher.loop_start()
    body = json.dumps({"readings": [{"channel": "pm10", "ts": ago(minutes=1), "value": 17.5}]})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Reading.objects.exists():
            # Sent until the bridge has subscribed; the same reading again is still one row.
            publisher.publish(f"poles/{pole.number}/readings", body, qos=1).wait_for_publish(5)
            time.sleep(1)
            connection.close()
        reading = Reading.objects.get()
        assert reading.value == 17.5
        assert reading.channel.pole == pole
        assert IngestBatch.objects.filter(source="mqtt").exists()
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.django_db
def test_the_bridge_ignores_unknown_poles_bad_json_and_foreign_topics(pole):
    assert bridge.handle_message("poles/NOPE/readings", b'{"readings": []}') is None
    assert bridge.handle_message(f"poles/{pole.number}/readings", b"{not json") is None
    assert bridge.handle_message(f"poles/{pole.number}/commands", b"{}") is None
    assert bridge.handle_message(f"poles/{pole.number}/readings", b'{"x": 1}') is None
    assert not IngestBatch.objects.exists()


@pytest.mark.django_db
def test_the_bridge_applies_the_same_checks_as_the_http_api(pole):
    body = {
        "readings": [
            {"channel": "pm10", "ts": ago(minutes=1), "value": 3},
            {"channel": "pm10", "ts": ago(minutes=1), "value": 5000},
        ]
    }
    result = bridge.handle_message(f"poles/{pole.number}/readings", json.dumps(body).encode())

    assert result.accepted == 1
    assert result.rejected[0]["code"] == "value_out_of_range"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_mosquitto(tmp_path):
    """A Mosquitto of this test only, with authentication and the ACL from the registry."""
    if shutil.which("mosquitto") is None:
        pytest.skip("needs the mosquitto binary (apt install mosquitto)")
    port = _free_port()
    (tmp_path / "mosquitto.conf").write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous false\n"
        f"password_file {tmp_path / 'passwd'}\nacl_file {tmp_path / 'acl'}\n"
        # As root, Mosquitto would switch to its own user, who cannot read pytest's tmp_path.
        f"persistence false\nuser {getpass.getuser()}\n",
        encoding="utf-8",
    )

    def start():
        process = subprocess.Popen(  # noqa: S603
            ["mosquitto", "-c", str(tmp_path / "mosquitto.conf")],  # noqa: S607
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return process

    return tmp_path, port, start


@pytest.mark.django_db
def test_mosquitto_files_let_a_pole_publish_only_to_its_own_topics(private_mosquitto, settings):
    directory, port, start = private_mosquitto
    own = PoleFactory(number="ACL-1")
    other = PoleFactory(number="ACL-2")
    own_token = services.pole_token_rotate(pole=own)
    services.pole_token_rotate(pole=other)
    settings.MQTT_URL = f"mqtt://bridge:bridge-secret@127.0.0.1:{port}"
    call_command("mosquitto_acl", "--dir", str(directory), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert "ACL-1:$7$" in (directory / "passwd").read_text()
    process = start()
    received: list[str] = []
    try:
        listener = _client("acl-bridge", "bridge", "bridge-secret")
        listener.on_message = lambda c, u, m: received.append(m.topic)
        listener.connect("127.0.0.1", port)
        listener.subscribe("poles/#", qos=1)
        listener.loop_start()
        time.sleep(0.5)

        pole = _client("acl-pole", "ACL-1", own_token)
        pole.connect("127.0.0.1", port)
        pole.loop_start()
        pole.publish("poles/ACL-2/readings", "{}", qos=1).wait_for_publish(5)
        pole.publish("poles/ACL-1/readings", "{}", qos=1).wait_for_publish(5)

        refused = []
        intruder = _client("acl-intruder", "ACL-1", "wrong-password")
        intruder.on_connect = lambda c, u, f, rc, p: refused.append(rc.is_failure)
        intruder.connect("127.0.0.1", port)
        intruder.loop_start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (received and refused):
            time.sleep(0.1)
        time.sleep(0.5)

        assert received == ["poles/ACL-1/readings"]
        assert refused == [True]
        for client in (listener, pole, intruder):
            client.loop_stop()
            client.disconnect()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_compose_stack_runs_the_bridge_with_a_healthcheck():
    import yaml
    from django.core.management import get_commands

    service = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"][
        "mqtt-bridge"
    ]

    assert service["command"][:2] == ["python", "manage.py"]
    assert service["command"][2] in get_commands()
    assert "healthcheck" in service
    assert service["depends_on"]["mosquitto"]["condition"] == "service_healthy"


@pytest.mark.django_db(transaction=True)
def test_the_simulator_sends_live_readings_through_the_device_api(live_server):
    pole = PoleFactory(number="SIM-1")

    call_command(
        "simulate_poles",
        "--poles=1",
        "--rounds=2",
        "--interval=0",
        "--via=http",
        f"--url={live_server.url}",
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )

    assert IngestBatch.objects.filter(pole=pole).count() == 2
    assert pole.channels.get(key="temperature").latest_value is not None


@pytest.mark.django_db
def test_the_simulator_publishes_live_readings_to_the_poles_topic(mqtt_url, settings):
    pole = PoleFactory(number=f"SIM-{uuid.uuid4().hex[:6]}")
    settings.MQTT_URL = mqtt_url
    broker = bridge.broker_from_url(mqtt_url)
    received: list[dict] = []
    listener = _client(f"listen-{pole.number}", broker["username"], broker["password"])
    listener.on_message = lambda c, u, m: received.append(json.loads(m.payload))
    listener.connect(broker["host"], broker["port"])
    listener.subscribe(f"poles/{pole.number}/readings", qos=1)
    listener.loop_start()
    time.sleep(0.5)
    try:
        call_command(
            "simulate_poles",
            "--poles=99",
            "--rounds=1",
            "--interval=0",
            "--via=mqtt",
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        listener.loop_stop()
        listener.disconnect()

    keys = {r["channel"] for r in received[0]["readings"]}
    assert {"pm10", "no2", "temperature", "wifi_clients"} <= keys
    result = bridge.handle_message(
        f"poles/{pole.number}/readings", json.dumps(received[0]).encode()
    )
    assert result.rejected == []  # the simulator's values pass the device API's checks
