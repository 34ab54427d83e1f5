"""Every page reachable from the home page, for a visitor, a citizen and a staff member:
no axe-core violation (WCAG 2.1 A/AA), no request to another host, no console error."""

import os
import uuid
from collections import deque
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.test.utils import override_settings
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import PageWatch
from tests.factories import UserFactory
from tests.services.factories import CaseFactory

# Not transactional: the crawls only read what ``demo_site`` committed once for the module, and
# a transactional test would flush it after the first crawl.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

# Links the crawl does not follow: they end the session or start a download.
SKIP_PREFIXES = ("/accounts/logout/", "/static/", "/api/schema/")
MAX_PAGES = 250


@dataclass(frozen=True)
class DemoSite:
    url: str
    citizen_session: str  # session keys, made before any crawl, so the live server sees them
    staff_session: str


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, request):
    """What a visitor of the live site would find, loaded once for all three crawls.

    The demo catalogue (with weeks of smart-city history), a citizen with a draft and a case
    (with a receipt and a message, so their pages are crawled too) and a staff administrator,
    committed once outside the tests' transactions and served by one live server of this module.
    Afterwards the database is put back exactly as it was before (Django's serialized rollback).
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from services import notifications, services
    from services.models import Service

    # A cache namespace of this module's own, as tests/conftest.py gives every test.
    caches = {
        alias: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
        for alias, conf in settings.CACHES.items()
    }
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with django_db_blocker.unblock(), override_settings(CACHES=caches):
        before = connection.creation.serialize_db_to_string()
        try:
            citizen = UserFactory(email="alice@example.org", name="Alice Ahrens")
            staff = UserFactory(
                email="carla@stadt.example", name="Carla Clemens", staff=True, mfa=True
            )
            staff.is_superuser = True
            staff.save(update_fields=["is_superuser"])
            call_command("load_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
            dog = Service.objects.get(slug="hundeanmeldung")
            services.draft_start(service=dog, user=citizen)
            case = CaseFactory(applicant=citizen, service=dog, in_progress=True)
            notifications.receipt_build(case_id=case.pk)
            services.message_send(case=case, sender=citizen, body="Eine Frage zum Antrag.")

            server = LiveServer(addr)
            server._live_server_modified_settings.enable()
            try:
                yield DemoSite(
                    url=server.url,
                    citizen_session=_session_of(citizen),
                    staff_session=_session_of(staff),
                )
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)


def crawl(browser, base_url: str, session: str | None = None) -> tuple[set[str], list[str]]:
    context = browser.new_context(locale="de-DE", base_url=base_url)
    if session is not None:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    page = context.new_page()
    watch = PageWatch(page, base_url)
    seen: set[str] = set()
    queue = deque(["/"])
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        watch.console_errors.clear()
        watch.foreign_requests.clear()
        try:
            response = page.goto(path)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file download, not a page
            raise
        page.wait_for_load_state("networkidle")
        if response is None or response.status >= 400:
            problems.append(f"{path}: HTTP {response.status if response else '?'}")
            continue
        # Console and network first: axe itself may trip the CSP while it measures.
        problems += [f"{path}: console {e}" for e in watch.console_errors]
        problems += [f"{path}: foreign request {u}" for u in watch.foreign_requests]
        problems += [f"{path}: axe {v}" for v in watch.axe_violations()]
        hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")
        for href in hrefs:
            url, _ = urldefrag(href)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base_url:
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path in seen:
                continue
            queue.append(parts.path)  # query strings render the same template
    context.close()
    return seen, problems


def test_every_public_page_passes_axe_and_loads_nothing_foreign(browser, demo_site):
    seen, problems = crawl(browser, demo_site.url)

    assert not problems, "\n".join(problems)
    for path in [
        "/",
        "/en/",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
        "/kontakt/",
        "/accounts/login/",
        "/accounts/signup/",
        "/services/",
        "/mitmachen/",
        "/smartcity/",
        "/en/barrierefreiheit/",
    ]:
        assert path in seen, f"{path} is not reachable from the home page"


def test_every_page_of_a_citizen_passes_axe(browser, demo_site):
    seen, problems = crawl(browser, demo_site.url, demo_site.citizen_session)

    assert not problems, "\n".join(problems)
    for path in [
        "/accounts/profile/",
        "/accounts/profile/delete/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ]:
        assert path in seen, f"{path} is not reachable from a citizen's navigation"


def test_every_page_of_a_staff_member_passes_axe(browser, demo_site):
    seen, problems = crawl(browser, demo_site.url, demo_site.staff_session)

    assert not problems, "\n".join(problems)
    assert "/admin/" in seen
    assert "/admin/portal/user/" in seen
