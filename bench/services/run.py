"""Serviceportal benchmark: "Meine Anträge" and the admin case list over 100,000 cases, and the
receipt PDF.

    make bench                       # or: .venv/bin/python bench/services/run.py

Needs PostgreSQL (DATABASE_URL=postgres://...); without it, it says so and exits 0. It creates
its own database ``<name>_bench_services`` beside the configured one, fills it with the demo
catalogue and BENCH_CASES cases (default 100,000), serves the portal with gunicorn (production
settings, DEBUG off) and reports, all measured in the same run on the same machine:

- queries per page at full size (the tests pin that they do not grow with the rows);
- requests/s of each page as a ratio to a bare Django view (``/bench/bare/``: the same server,
  middleware, session and database settings, a view that only answers "ok");
- the receipt PDF (``receipt_build``: load the case, render, PDF/UA, store) as a ratio to raw
  WeasyPrint on the same HTML.

The machine is shared and noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import http.client
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASES = int(os.environ.get("BENCH_CASES", "100000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8771"))
OTHER_APPLICANTS = 2_000
CITIZEN_CASES = 40


def bench_database(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'portal'}_bench_services"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def recreate_database(url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def populate() -> dict:
    """The demo catalogue, a citizen with CITIZEN_CASES cases among CASES, and a case worker."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from portal.models import Department, Role, User
    from services import demo
    from services.models import Case, CaseStatus, Service

    call_command("migrate", verbosity=0)
    for slug in ("steueramt", "ordnungsamt", "umwelt", "tiefbau", "buergerbuero"):
        Department.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    with open(os.devnull, "w") as devnull:
        demo.load(stdout=devnull)

    citizen = User.objects.create_user(email="citizen@bench.example", name="Bea Bench")
    worker = User.objects.create_user(
        email="worker@bench.example", name="Wim Worker", is_staff=True
    )
    for user in (citizen, worker):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    worker.groups.add(Group.objects.get(name=Role.CASE_WORKER.value))
    worker.departments.add(Department.objects.get(slug="steueramt"))
    TOTP.activate(worker, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    others = User.objects.bulk_create(
        User(email=f"person{n}@bench.example", name=f"Person {n}") for n in range(OTHER_APPLICANTS)
    )

    services = [s for s in Service.objects.all() if s.current_form is not None]
    statuses = [s.value for s in CaseStatus]
    now = timezone.now()
    answers = {"dog_name": "Bello", "breed": "mix", "since": "2026-01-15"}
    batch: list[Case] = []
    for n in range(CASES):
        service = services[n % len(services)]
        applicant = citizen if n % (CASES // CITIZEN_CASES) == 0 else others[n % len(others)]
        status = statuses[n % len(statuses)]
        submitted = now - timedelta(minutes=7 * n)
        batch.append(
            Case(
                reference=f"CR-{submitted.year}-{500_000 + n:06d}",
                service=service,
                form_version=service.current_form,
                department_id=service.department_id,
                applicant=applicant,
                applicant_name=applicant.name,
                applicant_email=applicant.email,
                status=status,
                assigned_to=worker if n % 5 == 0 else None,
                answers=answers,
                submitted_at=submitted,
                due_date=(submitted + timedelta(days=14)).date(),
                closed_at=submitted + timedelta(days=3)
                if status in ("approved", "rejected")
                else None,
            )
        )
        if len(batch) == 5_000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
    call_command("collectstatic", "--noinput", verbosity=0)
    return {"citizen": citizen, "worker": worker}


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def query_count(path: str, user) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def load(path: str, cookie: str = "") -> dict:
    """CLIENTS threads request ``path`` for SECONDS; every answer must be 200."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + SECONDS
    headers = {"Host": "127.0.0.1", "Cookie": f"sessionid={cookie}" if cookie else ""}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            latencies.append(time.perf_counter() - start)
            if response.status != 200:
                errors.append(f"HTTP {response.status}")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    if errors:
        raise SystemExit(f"{path}: {len(errors)} failed requests, e.g. {errors[:3]}")
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "requests": len(latencies),
    }


def start_server(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--pythonpath",
            f"{ROOT},{HERE}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/bench/bare/", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def receipt_timing(case_id: int, rounds: int = 8) -> dict:
    """Our receipt task against raw WeasyPrint on the very HTML the task renders."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from services import notifications, selectors
    from services.models import Case

    case = Case.objects.select_related("service", "department", "form_version").get(pk=case_id)
    html = render_to_string(
        "services/receipt.html",
        {
            "case": case,
            "answers": selectors.case_answers(case=case, language=case.language),
            "attachments": case.attachments.filter(message__isnull=True),
        },
    )
    base_url = f"{settings.BASE_DIR / 'static'}/"
    HTML(string=html, base_url=base_url).write_pdf()  # warm up fonts and caches
    raw, ours = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        HTML(string=html, base_url=base_url).write_pdf()
        raw.append(time.perf_counter() - start)

        Case.objects.filter(pk=case_id).update(receipt="")
        start = time.perf_counter()
        notifications.receipt_build(case_id=case_id)
        ours.append(time.perf_counter() - start)
    return {"raw_ms": statistics.median(raw) * 1000, "ours_ms": statistics.median(ours) * 1000}


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench/services: skipped, it needs PostgreSQL (set DATABASE_URL=postgres://...).")
        return 0
    db_url, db_name = bench_database(url)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "dummymail://",  # the demo cases would print their e-mails
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}",
    }
    recreate_database(url, db_name)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(HERE)]
    import django

    django.setup()
    from services.models import Case

    began = time.monotonic()
    people = populate()
    print(
        f"bench/services: {Case.objects.count():,} cases loaded in {time.monotonic() - began:.0f} s"
    )
    citizen, worker = people["citizen"], people["worker"]
    pages = {
        "bare Django view (baseline)": ("/bench/bare/", None),
        "Meine Anträge": ("/services/antraege/", citizen),
        "admin case list": ("/admin/services/case/", worker),
        "admin case list, overdue filter": ("/admin/services/case/?overdue=yes", worker),
    }
    queries = {name: query_count(path, user) for name, (path, user) in pages.items() if user}

    server = start_server(env)
    try:
        results = {}
        for name, (path, user) in pages.items():
            load(path, session_cookie(user) if user else "")  # warm up
            results[name] = load(path, session_cookie(user) if user else "")
    finally:
        server.terminate()
        server.wait(timeout=30)
    case_id = Case.objects.filter(applicant=citizen).values_list("pk", flat=True).first()
    receipt = receipt_timing(case_id)

    base = results["bare Django view (baseline)"]["rps"]
    print(f"{CLIENTS} clients x {SECONDS:.0f} s each, gunicorn with 2 sync workers, DEBUG off\n")
    print(f"{'page':34} {'queries':>7} {'req/s':>8} {'p50 ms':>7} {'ratio to bare':>13}")
    for name, r in results.items():
        q = queries.get(name, "-")
        print(f"{name:34} {q!s:>7} {r['rps']:8.1f} {r['p50_ms']:7.1f} {r['rps'] / base:13.2f}")
    print(
        f"\nreceipt PDF: raw WeasyPrint {receipt['raw_ms']:.0f} ms, receipt_build "
        f"{receipt['ours_ms']:.0f} ms, ratio raw/ours {receipt['raw_ms'] / receipt['ours_ms']:.2f}"
    )
    from django.db import connections

    connections.close_all()
    recreate_database(url, db_name, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
