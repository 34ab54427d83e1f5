"""Strict environment parsing: a typo in a boolean or a number stops the start, loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int

BASE_DIR = Path(__file__).resolve().parents[2]
NAME = "PORTAL_TEST_SETTING"


@pytest.mark.parametrize("default", [True, False])
def test_an_unset_variable_gives_the_default(monkeypatch, default):
    monkeypatch.delenv(NAME, raising=False)

    assert env_bool(NAME, default=default) is default
    assert env_int(NAME, default=7) == 7


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("True", True),
        ("YES", True),
        ("on", True),
        ("1", True),
        (" true ", True),
        ("false", False),
        ("False", False),
        ("no", False),
        ("OFF", False),
        ("0", False),
    ],
)
def test_a_boolean_accepts_the_usual_spellings_in_any_case(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_bool(NAME, default=not expected) is expected


@pytest.mark.parametrize("raw", ["flase", "ture", "", " ", "2", "y", "enabled"])
def test_a_boolean_refuses_an_unknown_value_naming_the_variable_and_the_accepted_ones(
    monkeypatch, raw
):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_bool(NAME, default=True)

    message = str(excinfo.value)
    assert NAME in message
    assert "true, yes, on, 1, false, no, off, 0" in message


@pytest.mark.parametrize(("raw", "expected"), [("300", 300), ("0", 0), ("-1", -1), (" 60 ", 60)])
def test_a_number_accepts_decimal_digits(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_int(NAME, default=5) == expected


@pytest.mark.parametrize("raw", ["", "5s", "1.5", "1e3", "1_000", "sixty", "\u0663"])
def test_a_number_refuses_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_int(NAME, default=5)

    assert NAME in str(excinfo.value)
    assert "decimal digits" in str(excinfo.value)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DJANGO_DEBUG", "flase"), ("SECURE_COOKIES", "ja"), ("SMARTCITY_MAX_BATCH", "lots")],
)
def test_the_settings_refuse_a_typo_instead_of_guessing(variable, value):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings", variable: value},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable}={value!r}" in result.stderr
