"""Every page reachable from the home page, for a visitor, a citizen and a staff member:
no axe-core violation (WCAG 2.1 A/AA), no request to another host, no console error."""

import os
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import PageWatch
from tests.services.factories import CaseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Links the crawl does not follow: they end the session or start a download.
SKIP_PREFIXES = ("/accounts/logout/", "/static/", "/api/schema/")
MAX_PAGES = 250


def _authenticate(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def site_content(citizen_a):
    """What a visitor of the live site would find: the demo catalogue, and the citizen's own
    draft and case (with a receipt and a message), so their pages are crawled too."""
    from django.core.management import call_command

    from services import notifications, services
    from services.models import Service

    call_command("load_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    dog = Service.objects.get(slug="hundeanmeldung")
    services.draft_start(service=dog, user=citizen_a)
    case = CaseFactory(applicant=citizen_a, service=dog, in_progress=True)
    notifications.receipt_build(case_id=case.pk)
    services.message_send(case=case, sender=citizen_a, body="Eine Frage zum Antrag.")
    return case


def crawl(browser, live_server, user=None) -> tuple[set[str], list[str]]:
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    if user is not None:
        _authenticate(context, live_server, user)
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
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
            if f"{parts.scheme}://{parts.netloc}" != live_server.url:
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path in seen:
                continue
            queue.append(parts.path)  # query strings render the same template
    context.close()
    return seen, problems


def test_every_public_page_passes_axe_and_loads_nothing_foreign(browser, live_server, site_content):
    seen, problems = crawl(browser, live_server)

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


def test_every_page_of_a_citizen_passes_axe(browser, live_server, citizen_a, site_content):
    seen, problems = crawl(browser, live_server, citizen_a)

    assert not problems, "\n".join(problems)
    for path in [
        "/accounts/profile/",
        "/accounts/profile/delete/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ]:
        assert path in seen, f"{path} is not reachable from a citizen's navigation"


def test_every_page_of_a_staff_member_passes_axe(
    browser, live_server, staff_with_mfa, site_content
):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])

    seen, problems = crawl(browser, live_server, staff_with_mfa)

    assert not problems, "\n".join(problems)
    assert "/admin/" in seen
    assert "/admin/portal/user/" in seen
