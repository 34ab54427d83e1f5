"""The reading page and the proposal list keep a constant number of queries."""

import pytest

from participation import services
from participation.models import Comment, Proposal
from tests.participation.conftest import add_section

pytestmark = pytest.mark.django_db


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_reading_page_does_not_grow_with_sections_or_comments(
    client, process, document, moderator, citizen_a, django_assert_max_num_queries
):
    client.force_login(citizen_a)
    few = count_queries(client, "/mitmachen/konzept/", django_assert_max_num_queries, 12)
    for n in range(10):
        add_section(document, f"neu-{n}", 10 + n, f"Neu {n}", "Text", chapter=2)
    version = services.document_publish(document=document, user=moderator, change_note="Mehr")
    for section in version.sections.all():
        Comment.objects.create(process=process, section=section, author=citizen_a, body="x")

    assert count_queries(client, "/mitmachen/konzept/", django_assert_max_num_queries, 12) == few


def test_the_proposal_list_does_not_grow_with_proposals(
    client, process, field, citizen_a, django_assert_max_num_queries
):
    client.force_login(citizen_a)
    url = f"/mitmachen/verfahren/{process.slug}/vorschlaege/"
    Proposal.objects.create(process=process, title="A", description="B", field_of_action=field)
    few = count_queries(client, url, django_assert_max_num_queries, 14)
    for n in range(30):
        p = Proposal.objects.create(
            process=process, title=f"P{n}", description="B", field_of_action=field
        )
        Comment.objects.create(process=process, proposal=p, author=citizen_a, body="x")

    assert count_queries(client, url, django_assert_max_num_queries, 14) == few
    assert count_queries(client, f"{url}?seite=2", django_assert_max_num_queries, 14) == few


def test_a_discussion_page_does_not_grow_with_comments(
    client, process, document, citizen_a, citizen_b, django_assert_max_num_queries
):
    section = document.versions.first().sections.get(key="wlan")
    url = "/mitmachen/konzept/abschnitt/wlan/"
    first = services.comment_create(user=citizen_a, process=process, section=section, body="a")
    client.force_login(citizen_b)
    few = count_queries(client, url, django_assert_max_num_queries, 16)
    for n in range(10):
        services.comment_create(
            user=citizen_b, process=process, section=section, body=f"r{n}", parent=first
        )

    assert count_queries(client, url, django_assert_max_num_queries, 16) == few
