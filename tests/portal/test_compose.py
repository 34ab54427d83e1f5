"""docker-compose.yml and the Dockerfile: no Docker engine runs here, so the test reads them and
checks that every command they run exists in the code."""

import ipaddress
import re
import shlex
from importlib import import_module
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def _assert_runs_our_code(argv: list[str]) -> None:
    program = argv[0]
    if program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"manage.py {argv[2]} does not exist"
    elif program == "celery":
        assert argv[1:3] == ["-A", "portal"]
        assert import_module("portal.celery").app.main == "portal"
        assert argv[3] in ("worker", "beat")
    elif program == "gunicorn":
        module, attribute = argv[1].split(":")
        assert callable(getattr(import_module(module), attribute))
    else:
        pytest.fail(f"unexpected program {program}")


def test_the_stack_has_every_service_with_a_healthcheck():
    for name in ["postgres", "redis", "mosquitto", "web", "worker", "beat"]:
        assert name in SERVICES, name
        assert "healthcheck" in SERVICES[name], f"{name} has no healthcheck"


@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_wait_for_a_healthy_database_and_migrations(name):
    depends = SERVICES[name]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_command_of_the_stack_exists_in_the_code(name):
    _assert_runs_our_code(_command(SERVICES[name]))


def test_the_dockerfile_command_and_build_steps_exist():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, flags=re.MULTILINE).group(1)
    _assert_runs_our_code(yaml.safe_load(cmd))
    for command in re.findall(r"python manage.py (\w+)", dockerfile):
        assert command in get_commands(), command


def test_files_mounted_from_the_repository_exist():
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source


def test_production_settings_come_only_from_the_environment():
    env = COMPOSE["x-app-env"]
    assert env["DJANGO_DEBUG"] == "false"
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"):
        assert ":?" in env[name], f"{name} must be required, not defaulted"
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]


def _default_of(value: str) -> str:
    """``${NAME:-default}`` as docker compose fills it in when NAME is not set."""
    match = re.fullmatch(r"\$\{\w+:-(.*)\}", value)
    return match.group(1) if match else value


def _forwarded_allow_ips(argv: list[str]) -> str | None:
    if "--forwarded-allow-ips" in argv:
        return argv[argv.index("--forwarded-allow-ips") + 1]
    return None


def test_gunicorn_believes_forwarded_headers_only_from_the_stacks_own_network():
    web = SERVICES["web"]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    image_cmd = yaml.safe_load(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    for argv in (_command(web), image_cmd):
        assert _forwarded_allow_ips(argv) is None, "trust comes from FORWARDED_ALLOW_IPS"
    # The image alone keeps gunicorn's default: only 127.0.0.1 may set forwarded headers.
    assert not re.search(r"^ENV .*FORWARDED_ALLOW_IPS", dockerfile, re.MULTILINE)

    trusted = _default_of(web["environment"]["FORWARDED_ALLOW_IPS"]).split(",")
    subnets = [
        ipaddress.ip_network(pool["subnet"])
        for pool in COMPOSE["networks"]["default"]["ipam"]["config"]
    ]
    assert "*" not in trusted
    for entry in trusted:
        network = ipaddress.ip_network(entry.strip())
        assert network.is_private
        assert any(network.subnet_of(subnet) for subnet in subnets), entry


def test_the_web_port_is_published_on_the_loopback_interface_only():
    for service in SERVICES.values():
        for port in service.get("ports", []):
            if isinstance(port, dict):
                host_ip = port.get("host_ip", "")
            else:
                host_ip = str(port).rsplit(":", 2)[0] if str(port).count(":") == 2 else ""
            assert host_ip == "127.0.0.1", f"{port} is reachable from every interface"
    assert SERVICES["web"]["ports"], "the reverse proxy on the host needs the port"
