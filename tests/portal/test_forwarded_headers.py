"""X-Forwarded-Proto counts only when the reverse proxy sent it.

gunicorn decides, from FORWARDED_ALLOW_IPS, whether a peer may set the scheme; Django reads the
scheme gunicorn decided and never the raw header, so a client that reaches gunicorn directly
cannot pass a plain-HTTP request off as HTTPS.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.portal.test_compose import SERVICES, _command, _default_of

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_forged_forwarded_proto_from_a_client_is_not_believed(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    forged = client.get("/impressum/", HTTP_X_FORWARDED_PROTO="https")
    from_the_proxy = client.get("/impressum/", secure=True)  # gunicorn's scheme for the proxy

    assert forged.status_code == 301
    assert forged["Location"].startswith("https://")
    assert from_the_proxy.status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_with_forwarded_proto(forwarded_allow_ips: str, tmp_path: Path) -> http.client.HTTPResponse:
    """Run the compose file's gunicorn command on a loopback port and ask it for a page with
    ``X-Forwarded-Proto: https``, as a client on this machine."""
    port = _free_port()
    argv = _command(SERVICES["web"])
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--workers") + 1] = "1"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECURE_SSL_REDIRECT": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "FORWARDED_ALLOW_IPS": forwarded_allow_ips,
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(  # noqa: S603
        [str(gunicorn), *argv[1:]],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                headers = {"X-Forwarded-Proto": "https", "Host": "localhost"}
                connection.request("GET", "/impressum/", headers=headers)
                response = connection.getresponse()
                response.read()
                return response
            except ConnectionRefusedError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_of_the_stack_ignores_forwarded_proto_from_outside_the_proxy_network(tmp_path):
    compose_default = _default_of(SERVICES["web"]["environment"]["FORWARDED_ALLOW_IPS"])

    response = _get_with_forwarded_proto(compose_default, tmp_path)

    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/impressum/"


def test_gunicorn_believes_forwarded_proto_from_a_listed_proxy(tmp_path):
    response = _get_with_forwarded_proto("127.0.0.1", tmp_path)

    assert response.status == 200
