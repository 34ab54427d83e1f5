"""Smaller things seen in the browser: status badges read as labels (not buttons), the "I agree"
button keeps its words on one line on a phone, chart axes speak the page's language, and a link
to a service taken offline says so. Every page passes axe-core."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from smartcity import services as smartcity_services
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.services.factories import ServiceFactory
from tests.smartcity.factories import PoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def assert_clean(page) -> None:
    assert page.watch.axe_violations() == [], page.url
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def box(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector,
        """el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                   return {height: r.height, border: parseFloat(s.borderTopWidth),
                           shadow: s.boxShadow, cursor: s.cursor,
                           radius: parseFloat(s.borderTopLeftRadius)}; }""",
    )


def test_a_status_badge_reads_as_a_label_not_as_a_button(page, live_server):
    ServiceFactory(name="Hundeanmeldung", slug="hundeanmeldung")
    page.goto("/services/")
    badge = box(page, ".service-list .kern-badge")
    button = box(page, ".catalogue-search button")
    assert badge["height"] <= button["height"] / 2  # a line of text, not a 32-48 px target
    assert badge["border"] == 0
    assert badge["shadow"] == "none"
    assert badge["cursor"] == "default"
    assert badge["radius"] >= badge["height"] / 2  # a pill, unlike the square-cornered buttons
    assert_clean(page)  # the colour contrast of the label included


@pytest.fixture
def concept(db):
    from participation import demo

    with open(os.devnull, "w") as devnull:
        demo.load(stdout=devnull)


def test_the_agree_button_keeps_its_words_on_one_line_on_a_phone(
    page, live_server, citizen_a, concept
):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, citizen_a.email, PASSWORD)
    page.goto("/mitmachen/konzept/abschnitt/mobilitaet/")
    labels = page.locator("form[action$='/zustimmen/'] button .kern-label")
    assert labels.count() >= 2  # the question and the city's answer
    for n in range(labels.count()):
        label = labels.nth(n)
        assert label.inner_text() == "Ich stimme zu"
        lines = label.evaluate(
            """el => { const s = getComputedStyle(el);
                       const text = el.getBoundingClientRect().height
                           - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
                       return Math.round(text / parseFloat(s.lineHeight)); }"""
        )
        assert lines == 1, f"the label wraps onto {lines} lines"
        width = label.evaluate("el => el.closest('button').getBoundingClientRect().width")
        text = label.evaluate("el => el.scrollWidth")
        assert width >= text, "the words overflow the button"
    assert_clean(page)


@pytest.fixture
def pole():
    pole = PoleFactory(number="CR-004", name="Mast CR-004")
    now = timezone.now()
    rows = [
        (channel.pk, now - timedelta(hours=3 * step), 12.5 + step % 4 / 4)
        for channel in pole.channels.all()
        for step in range(56)  # a week
    ]
    smartcity_services.readings_apply(rows=rows)
    return pole


def chart_ticks(page) -> tuple[list[str], list[str]]:
    # Polled from here: wait_for_function's polling evaluates a string, which our CSP forbids.
    for _ in range(100):
        drawn = "() => [...document.querySelectorAll('[data-smartcity-chart]')].every(e => e.chart)"
        if page.evaluate(drawn):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the charts were never drawn")
    return tuple(
        page.evaluate(
            f"() => document.querySelector('[data-smartcity-chart]').chart.axes[{axis}]._values"
        )
        for axis in (0, 1)
    )


ENGLISH_MONTHS = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")


def test_chart_axes_write_dates_and_numbers_in_the_page_language(page, live_server, pole):
    page.goto("/smartcity/umwelt/CR-004/")
    dates, numbers = chart_ticks(page)
    assert dates, "no time ticks"
    assert all(re.fullmatch(r"\d{1,2}\.\d{1,2}\.", d) for d in dates), dates  # 3.12.
    assert not any(ENGLISH_MONTHS.search(d) for d in dates)
    assert any("," in n for n in numbers), numbers  # 12,5 with a decimal comma
    assert not any("." in n for n in numbers), numbers
    assert_clean(page)

    page.goto("/en/smartcity/umwelt/CR-004/")
    dates, numbers = chart_ticks(page)
    assert all(re.fullmatch(r"\d{1,2}/\d{1,2}", d) for d in dates), dates  # 12/3
    assert any("." in n for n in numbers), numbers
    assert_clean(page)


def test_a_link_to_a_service_taken_offline_says_it_is_offline(page, live_server):
    service = ServiceFactory(name="Hundeanmeldung", slug="hundeanmeldung")
    service.is_published = False
    service.save(update_fields=["is_published"])
    page.goto("/services/")
    assert "Hundeanmeldung" not in page.inner_text("main")
    response = page.goto(service.get_absolute_url())
    assert response.status == 404
    assert "Diese Leistung ist offline" in page.inner_text("main")
    assert "Online beantragen" not in page.inner_text("main")
    assert page.watch.axe_violations() == []
    # The browser logs the 404 status itself; the page has no other error.
    assert [e for e in page.watch.console_errors if "status of 404" not in e] == []
    assert page.watch.foreign_requests == []
