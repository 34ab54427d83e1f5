"""The concept links its goals and the goals link back; the council's reading version numbers
its sections and shows when and by which decision each version was adopted."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from participation import services
from participation.models import FieldOfAction, Project, StrategicGoal
from portal.api import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(document, field):
    """Two goals of the field 'infrastruktur'; the section 'wlan' describes that field."""
    document.fields_of_action.add(field)
    other = FieldOfAction.objects.create(slug="bildung", name="Digitale Bildung", order=4)
    document.fields_of_action.add(other)
    document.sections.filter(key="wlan").update(field_of_action=field)
    document.sections.filter(key="schulen").update(field_of_action=other)
    return [
        StrategicGoal.objects.create(field=field, slug="freies-wlan", code="3.2", title="WLAN"),
        StrategicGoal.objects.create(field=field, slug="masten", code="3.3", title="Masten"),
        StrategicGoal.objects.create(field=other, slug="schulen", code="4.1", title="Tablets"),
    ]


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def part(page: str, start: str, end: str) -> str:
    """The markup from ``start`` up to the next ``end`` (both must occur)."""
    head = page.index(start)
    return page[head : page.index(end, head)]


def hrefs(markup: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]*)"', markup)


def plain(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()


def test_the_concept_page_links_each_goal_grouped_by_field(client, goals):
    page = text(client.get("/mitmachen/konzept/"))

    overview = part(page, 'id="goals-heading"', "</section>")
    fields = [plain(h) for h in re.findall(r"<h3.*?</h3>", overview)]
    assert fields == ["1.1 Digitale Infrastruktur", "1.2 Digitale Bildung"]
    assert hrefs(overview) == [
        "#wlan",
        "/mitmachen/ziele/freies-wlan/",
        "/mitmachen/ziele/masten/",
        "#schulen",
        "/mitmachen/ziele/schulen/",
    ]
    # Under the section's own text too.
    section = part(page, '<h3 id="wlan"', "</section>")
    assert "/mitmachen/ziele/freies-wlan/" in hrefs(section)
    assert "/mitmachen/ziele/masten/" in hrefs(section)
    assert "/mitmachen/ziele/schulen/" not in hrefs(section)


def test_a_goal_page_links_back_to_its_numbered_section_and_lists_its_projects(
    client, goals, field
):
    project = Project.objects.create(
        title="Freies WLAN", slug="wlan", summary="S", field_of_action=field, responsible_office="X"
    )
    project.goals.add(goals[0])

    page = text(client.get("/mitmachen/ziele/freies-wlan/"))

    back = part(page, '<ul class="kern-list goal-sections">', "</ul>")
    assert hrefs(back) == ["/mitmachen/konzept/#wlan"]
    assert plain(back) == "Abschnitt 1.1 Freies WLAN"
    assert "/mitmachen/projekte/wlan/" in hrefs(part(page, "<main", "</main>"))
    # The anchor is the numbered section's heading on the concept page.
    concept = text(client.get("/mitmachen/konzept/"))
    assert plain(part(concept, '<h3 id="wlan"', "</h3>")).endswith("1.1 Freies WLAN")


def test_the_reading_version_numbers_sections_with_contents_and_decision_history(
    client, document, moderator, goals
):
    first = document.versions.get()
    services.version_decision_record(
        version=first,
        user=moderator,
        decided_by="Rat der Stadt",
        decision_reference="2026/0417",
        decided_on=date(2026, 3, 12),
    )
    document.sections.filter(version__isnull=True, key="wlan").update(body="Mehr WLAN.")
    services.document_publish(document=document, user=moderator, change_note="WLAN ergänzt")

    page = text(client.get("/mitmachen/konzept/version-2/lesefassung/"))

    toc = part(page, '<nav class="reading__toc"', "</nav>")
    entries = [plain(a) for a in re.findall(r"<a .*?</a>", toc)]
    assert entries == [
        "1 Handlungsfelder",
        "1.1 Freies WLAN",
        "1.2 Schulen",
        "1.3 Papierformulare",
        "Fassungen und Beschlüsse",
    ]
    assert hrefs(toc) == ["#kapitel-1", "#wlan", "#schulen", "#papier", "#beschluesse"]
    article = part(page, '<article class="concept reading"', "</article>")
    headings = [plain(h) for h in re.findall(r"<h[23] .*?</h[23]>", article)]
    assert headings == [
        "Inhalt",
        "1 Handlungsfelder",
        "1.1 Freies WLAN",
        "1.2 Schulen",
        "1.3 Papierformulare",
        "Fassungen und Beschlüsse",
    ]
    assert 'id="wlan"' in article
    assert "Mehr WLAN." in article
    history = part(page, '<section class="reading__history"', "</section>")
    rows = [plain(r) for r in re.findall(r"<tr.*?</tr>", history, re.S)][1:]
    assert rows[0].startswith("Version 2")
    assert "kein Beschluss erfasst" in rows[0]
    assert "Änderungen von Version 1 zu 2" in rows[0]
    assert rows[1].startswith("Version 1")
    assert "Beschlossen von: Rat der Stadt, am 12. März 2026 (Beschluss 2026/0417)" in rows[1]
    diff = [h for h in hrefs(history) if "vergleich" in h]
    assert diff == ["/mitmachen/konzept/vergleich/?von=1&amp;bis=2"]
    assert client.get("/mitmachen/konzept/vergleich/?von=1&bis=2").status_code == 200
    # The document is the page's main content: the site's navigation sits outside it (the
    # print rules hide that), the document's only navigation is its table of contents.
    assert article.count("<nav") == 1
    assert '<nav class="site-nav"' in page.split("<main", 1)[0]


def test_the_current_reading_version_is_public_and_council_members_find_it_in_their_menu(
    client, document, council_member, citizen_a
):
    assert client.get("/mitmachen/konzept/lesefassung/").status_code == 200
    client.force_login(citizen_a)
    menu = part(text(client.get("/mitmachen/konzept/")), '<nav class="part-nav"', "</nav>")
    assert "/mitmachen/konzept/lesefassung/" not in hrefs(menu)

    client.force_login(council_member)
    menu = part(text(client.get("/mitmachen/konzept/")), '<nav class="part-nav"', "</nav>")
    assert "/mitmachen/konzept/lesefassung/" in hrefs(menu)


def test_an_unknown_version_has_no_reading_version(client, document):
    assert client.get("/mitmachen/konzept/version-9/lesefassung/").status_code == 404


def test_a_decision_in_the_future_or_without_a_body_is_refused_and_changes_nothing(
    document, moderator
):
    version = document.versions.get()
    with pytest.raises(ApplicationError, match="in der Zukunft"):
        services.version_decision_record(
            version=version,
            user=moderator,
            decided_by="Rat",
            decision_reference="1",
            decided_on=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(ApplicationError, match="Gremium"):
        services.version_decision_record(
            version=version, user=moderator, decided_by=" ", decision_reference="1", decided_on=None
        )
    version.refresh_from_db()
    assert (version.decided_by, version.decision_reference, version.decided_on) == ("", "", None)


def test_the_decision_is_recorded_in_the_admin_and_the_text_stays_as_published(
    client, document, staff_with_mfa
):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    version = document.versions.get()
    url = f"/admin/participation/documentversion/{version.pk}/change/"

    client.post(
        url,
        {
            "decided_by": "Rat der Stadt",
            "decision_reference": "2026/0417",
            "decided_on": "2026-03-12",
            "change_note": "Geändert?",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )

    version.refresh_from_db()
    assert (version.decided_by, version.decision_reference) == ("Rat der Stadt", "2026/0417")
    assert version.decided_on == date(2026, 3, 12)
    assert version.change_note == "Erste Fassung"
    assert LogEntry.objects.filter(object_id=str(version.pk), user=staff_with_mfa).exists()
    assert (
        client.post(f"/admin/participation/documentversion/{version.pk}/delete/").status_code == 403
    )


def test_a_decision_without_a_body_is_refused_in_the_admin_with_a_message(
    client, document, staff_with_mfa
):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    version = document.versions.get()

    response = client.post(
        f"/admin/participation/documentversion/{version.pk}/change/",
        {
            "decided_by": "",
            "decision_reference": "2026/0417",
            "decided_on": "",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )

    assert "Bitte nennen Sie das Gremium" in response.content.decode()
    version.refresh_from_db()
    assert version.decision_reference == ""
