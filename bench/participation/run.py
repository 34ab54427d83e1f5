"""Beteiligungsplattform benchmark: the concept reading page and the proposal list with 10,000
proposals and 100,000 comments.

    .venv/bin/python bench/participation/run.py      # or: make bench

Needs PostgreSQL (DATABASE_URL=postgres://...); without it, it says so and exits 0. It creates
its own database ``<name>_bench_participation`` beside the configured one, loads the demo concept
and BENCH_PROPOSALS proposals (default 10,000) with BENCH_COMMENTS comments (default 100,000,
nine in ten on proposals, the rest on the concept's sections), serves the portal with gunicorn
(2 sync workers, production settings, DEBUG off) and reports, measured in the same run:

- queries per page with all rows loaded (tests/participation/test_query_counts.py pins that the
  counts do not grow with the rows);
- requests/s of each page as a ratio to a bare Django view (``/bench/bare/``) answered by the
  same gunicorn, middleware, session and database settings.

It reuses the load generator and server start of bench/services/run.py. The machine is shared
and noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "10000"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "100000"))
CITIZENS = 1_000


def _services_bench():
    spec = importlib.util.spec_from_file_location("services_bench", ROOT / "bench/services/run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_database(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'portal'}_bench_participation"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def populate():
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from django.utils import timezone

    from participation import demo
    from participation.models import Comment, FieldOfAction, Process, Proposal
    from portal.models import User

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        demo.load(stdout=devnull)
    citizen = User.objects.create_user(email="citizen@bench.example", name="Bea Bench")
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    people = User.objects.bulk_create(
        User(email=f"p{n}@bench.example", name=f"Person {n}") for n in range(CITIZENS)
    )
    process = Process.objects.get(slug="konzept-2026")
    fields = list(FieldOfAction.objects.all())
    now = timezone.now()
    Proposal.objects.bulk_create(
        (
            Proposal(
                process=process,
                author=people[n % CITIZENS],
                title=f"Vorschlag {n}",
                description="Eine Idee für die digitale Stadt. " * 5,
                field_of_action=fields[n % len(fields)],
                support_count=n % 40,
                created_at=now - timedelta(minutes=n),
            )
            for n in range(PROPOSALS)
        ),
        batch_size=5_000,
    )
    proposal_ids = list(Proposal.objects.values_list("pk", flat=True))
    sections = list(process.document.versions.order_by("-number").first().sections.all())
    batch: list[Comment] = []
    for n in range(COMMENTS):
        on_section = n % 10 == 0
        batch.append(
            Comment(
                process=process,
                section=sections[n % len(sections)] if on_section else None,
                proposal_id=None if on_section else proposal_ids[n % len(proposal_ids)],
                author=people[n % CITIZENS],
                body="Ich stimme zu und ergänze einen Gedanken.",
                status="visible" if n % 7 else "pending",
                created_at=now - timedelta(seconds=n),
            )
        )
        if len(batch) == 10_000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    call_command("collectstatic", "--noinput", verbosity=0)
    return citizen


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench/participation: skipped, it needs PostgreSQL (set DATABASE_URL=postgres://...)."
        )
        return 0
    sb = _services_bench()  # its server runs bench/services/bench_settings (adds /bench/bare/)
    sb.PORT = int(os.environ.get("BENCH_PORT", "8772"))
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
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{sb.HERE}",
    }
    sb.recreate_database(url, db_name)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(sb.HERE)]
    import django

    django.setup()
    from participation.models import Comment, Proposal

    began = time.monotonic()
    citizen = populate()
    print(
        f"bench/participation: {Proposal.objects.count():,} proposals and "
        f"{Comment.objects.count():,} comments loaded in {time.monotonic() - began:.0f} s"
    )
    last_page = (PROPOSALS + 19) // 20
    pages = {
        "bare Django view (baseline)": ("/bench/bare/", None),
        "concept reading page": ("/mitmachen/konzept/", citizen),
        "proposal list, page 1": ("/mitmachen/vorschlaege/", citizen),
        f"proposal list, page {last_page}": (f"/mitmachen/vorschlaege/?seite={last_page}", citizen),
    }
    queries = {name: sb.query_count(path, user) for name, (path, user) in pages.items() if user}

    server = sb.start_server(env)
    try:
        results = {}
        for name, (path, user) in pages.items():
            cookie = sb.session_cookie(user) if user else ""
            sb.load(path, cookie)  # warm up
            results[name] = sb.load(path, cookie)
    finally:
        server.terminate()
        server.wait(timeout=30)

    base = results["bare Django view (baseline)"]["rps"]
    print(
        f"{sb.CLIENTS} clients x {sb.SECONDS:.0f} s each, gunicorn with 2 sync workers, DEBUG off\n"
    )
    print(f"{'page':34} {'queries':>7} {'req/s':>8} {'p50 ms':>7} {'ratio to bare':>13}")
    for name, r in results.items():
        q = queries.get(name, "-")
        print(f"{name:34} {q!s:>7} {r['rps']:8.1f} {r['p50_ms']:7.1f} {r['rps'] / base:13.2f}")
    from django.db import connections

    connections.close_all()
    if os.environ.get("BENCH_KEEP") != "1":  # BENCH_KEEP=1 keeps the database for profiling
        sb.recreate_database(url, db_name, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
