"""docker-compose.yml and the Dockerfile: no Docker engine runs here, so the test reads them and
checks that every command they run exists in the code."""

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
