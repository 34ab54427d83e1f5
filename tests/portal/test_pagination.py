"""The one pagination include: a labelled navigation whose links change only the page and keep
every other query parameter (the list's filters)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from participation.models import FieldOfAction, Proposal
from portal.models import Role
from smartcity.models import Alarm
from tests.factories import UserFactory
from tests.participation.conftest import make_process
from tests.smartcity.factories import PoleFactory


def render_pagination(query: str, *, number: int, pages: int = 3) -> str:
    request = RequestFactory().get(f"/liste/{query}")
    page = Paginator(range(pages * 10), 10).get_page(number)
    with translation.override("de"):
        return render_to_string("includes/pagination.html", {"page": page}, request=request)


def links(html: str) -> dict[str, str]:
    """The page navigation's links by their text."""
    navs = re.findall(r'<nav aria-label="Seiten">.*?</nav>', html, flags=re.DOTALL)
    assert len(navs) == 1
    return {
        text: href.replace("&amp;", "&")
        for href, text in re.findall(r'<a class="kern-link" href="([^"]*)">([^<]*)</a>', navs[0])
    }


def test_the_links_keep_the_filter_and_change_only_the_page():
    html = render_pagination("?kategorie=road&stand=offen&seite=2", number=2)

    assert links(html) == {
        "Vorherige Seite": "?kategorie=road&stand=offen&seite=1",
        "Nächste Seite": "?kategorie=road&stand=offen&seite=3",
    }
    assert '<nav aria-label="Seiten">' in html
    assert "Seite 2 von 3" in html


def test_the_first_page_has_no_previous_link_and_the_last_no_next_link():
    first = links(render_pagination("?handlungsfeld=bildung", number=1))
    last = links(render_pagination("?handlungsfeld=bildung&seite=3", number=3))

    assert first == {"Nächste Seite": "?handlungsfeld=bildung&seite=2"}
    assert last == {"Vorherige Seite": "?handlungsfeld=bildung&seite=2"}


def test_a_list_of_one_page_has_no_page_navigation():
    assert "<nav" not in render_pagination("?kategorie=road", number=1, pages=1)


@pytest.mark.django_db
def test_the_proposal_list_pages_within_the_chosen_field_of_action(client):
    process = make_process("proposals")
    field = FieldOfAction.objects.create(slug="bildung", name="Digitale Bildung", order=1)
    for n in range(21):
        Proposal.objects.create(
            process=process, title=f"P{n}", description="B", field_of_action=field
        )

    html = client.get(
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/?handlungsfeld=bildung"
    ).content.decode()

    assert links(html)["Nächste Seite"] == "?handlungsfeld=bildung&seite=2"
    assert "Seite 1 von 2" in html


@pytest.mark.django_db
def test_the_past_alarms_link_back_to_the_first_page(client):
    operator = UserFactory(email="olga@stadt.example", staff=True, mfa=True)
    operator.groups.add(Group.objects.get_or_create(name=Role.OPERATOR.value)[0])
    pole = PoleFactory(number="CR-001", name="Marktplatz")
    now = timezone.now()
    Alarm.objects.bulk_create(
        Alarm(pole=pole, kind="lamp_fault", condition=f"c{n}", message="x", closed_at=now)
        for n in range(51)
    )
    client.force_login(operator)

    html = client.get("/smartcity/betrieb/alarme/?seite=2").content.decode()

    assert links(html) == {"Vorherige Seite": "?seite=1"}
    assert "Seite 2 von 2" in html
