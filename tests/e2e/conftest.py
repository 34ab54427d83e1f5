"""Real-browser fixtures: Debian's chromium, driven by Playwright, against the live server."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.portal.upstream import upstream  # noqa: F401 (the maps' fake tile server and geocoder)

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        pytest.skip("needs a browser: apt install chromium (or set CHROMIUM_PATH)")
    if not AXE_SOURCE.exists():
        pytest.skip("needs axe-core: run `make install` (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class PageWatch:
    """Records what a page does that it must not: console errors and foreign requests."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("request", self._on_request)

    def _on_console(self, msg):
        if msg.type == "error":
            self.console_errors.append(f"{msg.text} @ {self.page.url}")

    def _on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def axe_violations(self) -> list[str]:
        """Run axe-core in the page (evaluated over the DevTools protocol, so CSP stays on)."""
        before = len(self.console_errors)
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        # axe measures colours with inline styles, which our CSP refuses: those reports are
        # the test tool's, not the page's.
        self.console_errors[before:] = [
            e for e in self.console_errors[before:] if "Content Security Policy" not in e
        ]
        return [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in result["violations"]
        ]


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server)
    yield page
    page.context.close()


def login(page, email: str, password: str, *, mfa: bool = False) -> None:
    """Log in through the real form; with ``mfa`` answer the TOTP step with a fresh code."""
    from tests.factories import totp_code

    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form.auth-form button[type=submit]")
    if mfa:
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", totp_code())  # computed now, not before the page loaded
        page.click("form.auth-form button[type=submit]")
        page.wait_for_url(lambda url: "/2fa/" not in url)
    page.wait_for_load_state()


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab (only Tab) until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def new_page(browser, live_server):
    """A second person's browser (own cookies), watched like the ``page`` fixture."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = PageWatch(page, live_server.url)
    return page


def type_date(page, selector: str, day: int, month: int, year: int) -> None:
    """Type a date into a focused-by-Tab date field, digit by digit, as a keyboard user does.

    The segment order of a date field follows the browser's own locale (headless Chromium
    here may show MM/DD/YYYY even for a German page), so try day-first, then month-first.
    """
    expected = f"{year:04d}-{month:02d}-{day:02d}"
    focused = "s => document.activeElement.matches(s)"
    tab_to(page, selector)
    for keys in (f"{day:02d}{month:02d}{year:04d}", f"{month:02d}{day:02d}{year:04d}"):
        page.keyboard.type(keys)
        if page.input_value(selector) == expected:
            return
        while page.evaluate(focused, selector):  # Tab walks the segments: back out, then in
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
    raise AssertionError(f"could not type {expected} into {selector}")


def choose_file_by_keyboard(page, selector: str, path: str) -> None:
    """Tab to a file field, open its chooser with Space and pick ``path``.

    Playwright switches Chromium's file-chooser interception on asynchronously when the first
    listener arrives; a key pressed before that opens an unseen native dialog. So listen
    first, make one round trip, and only then press (Enter as a second try).
    """
    tab_to(page, selector)
    choosers: list = []

    def on_chooser(chooser) -> None:
        choosers.append(chooser)

    page.on("filechooser", on_chooser)
    try:
        page.evaluate("0")
        for key in ("Space", "Enter"):
            page.keyboard.press(key)
            for _ in range(50):
                if choosers:
                    choosers[0].set_files(path)
                    return
                page.wait_for_timeout(100)
    finally:
        page.remove_listener("filechooser", on_chooser)
    raise AssertionError(f"the keyboard never opened the file chooser of {selector}")
