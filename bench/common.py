"""Shared helpers of the benchmarks: environment check, Django setup, timing, subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def require_services(*names: str) -> None:
    """Exit 0 with a message (a skip, not a failure) when a needed service is not configured."""
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        print(f"SKIPPED {Path(sys.argv[0]).parent.name}: set {', '.join(missing)} to run it.")
        sys.exit(0)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_TESTING", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def start(argv: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        argv,
        cwd=ROOT,
        env={**os.environ, "DJANGO_TESTING": "false", "CELERY_TASK_ALWAYS_EAGER": "false", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
