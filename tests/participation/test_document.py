"""The concept as a living document: publishing versions, reading, diff, PDF, search."""

import io

import pypdf
import pytest

from participation import selectors, services
from participation.models import Section
from portal.api import ApplicationError
from tests.participation.conftest import add_section

pytestmark = pytest.mark.django_db


def publish_second_version(document, moderator):
    draft = document.sections.filter(version__isnull=True)
    draft.filter(key="wlan").update(body="Freies WLAN am Marktplatz und am Bahnhof.")
    draft.filter(key="papier").delete()
    add_section(document, "beteiligung", 3, "Beteiligung", "Alle können mitreden.")
    return services.document_publish(
        document=document, user=moderator, change_note="WLAN erweitert"
    )


def test_publishing_copies_the_draft_into_an_immutable_numbered_version(document, moderator):
    v2 = publish_second_version(document, moderator)

    assert v2.number == 2
    assert v2.published_by == moderator
    assert v2.change_note == "WLAN erweitert"
    v1 = document.versions.get(number=1)
    assert list(v1.sections.values_list("key", flat=True)) == ["wlan", "schulen", "papier"]
    assert v1.sections.get(key="wlan").body == "WLAN am Marktplatz."


def test_publishing_without_a_change_note_or_without_changes_is_refused(document, moderator):
    with pytest.raises(ApplicationError, match=r"change note|Änderungsnotiz"):
        services.document_publish(document=document, user=moderator, change_note=" ")
    with pytest.raises(ApplicationError):
        services.document_publish(document=document, user=moderator, change_note="Nichts")
    assert document.versions.count() == 1


def test_the_diff_marks_a_changed_an_added_and_a_removed_section(document, moderator):
    v2 = publish_second_version(document, moderator)

    diff = {d.key: d for d in selectors.version_diff(old=document.versions.get(number=1), new=v2)}

    assert diff["wlan"].state == "changed"
    assert "<ins>" in diff["wlan"].body
    assert "am Bahnhof" in diff["wlan"].body
    assert diff["schulen"].state == "unchanged"
    assert diff["beteiligung"].state == "added"
    assert diff["papier"].state == "removed"


def test_the_diff_page_labels_changes_for_readers_without_colour(client, document, moderator):
    publish_second_version(document, moderator)

    page = client.get("/mitmachen/konzept/vergleich/?von=1&bis=2").content.decode()

    assert "[eingefügt:]" in page
    assert "neuer Abschnitt" in page
    assert "Abschnitt entfernt" in page
    assert "Papierformulare" in page


def test_any_version_can_be_read_with_its_number_and_date(client, document, moderator):
    publish_second_version(document, moderator)

    old = client.get("/mitmachen/konzept/version-1/").content.decode()
    new = client.get("/mitmachen/konzept/").content.decode()

    assert "Version 1 vom" in old
    assert "Papierformulare" in old
    assert "eine frühere Fassung" in old
    assert "Version 2 vom" in new
    assert "Papierformulare" not in new


def test_markdown_is_sanitised_when_rendered(client, document, moderator):
    document.sections.filter(version__isnull=True, key="wlan").update(
        body='**fett** <script>alert(1)</script> <a href="javascript:x" onclick="y">z</a>'
    )
    services.document_publish(document=document, user=moderator, change_note="Test")

    page = client.get("/mitmachen/konzept/").content.decode()

    assert "<strong>fett</strong>" in page
    assert "<script>alert" not in page
    assert "onclick" not in page
    assert "javascript:" not in page


def test_the_pdf_has_the_table_of_contents_and_every_section_title(client, document, moderator):
    v2 = publish_second_version(document, moderator)

    response = client.get("/mitmachen/konzept/version-2/pdf/")
    data = b"".join(response.streaming_content)

    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    first_page = reader.pages[0].extract_text()
    assert "Inhalt" in first_page
    for section in Section.objects.filter(version=v2):
        assert f"{section.numbering} {section.title}" in first_page  # in the contents
        assert text.count(section.title) >= 2  # and as a heading
    assert "Version 2 vom" in reader.pages[-1].extract_text()  # on every page
    assert f"/ {len(reader.pages)}" in reader.pages[-1].extract_text()


def test_the_pdf_is_built_after_commit_once_per_version(
    document, moderator, django_capture_on_commit_callbacks
):
    document.sections.filter(version__isnull=True, key="wlan").update(body="Neu")
    with django_capture_on_commit_callbacks(execute=True):
        version = services.document_publish(document=document, user=moderator, change_note="x")
    version.refresh_from_db()
    name = version.pdf.name
    assert name.endswith(".pdf")

    assert services.version_pdf_build(version_id=version.pk) is False
    version.refresh_from_db()
    assert version.pdf.name == name


def test_search_finds_sections_of_the_current_version(client, document, moderator):
    publish_second_version(document, moderator)

    page = client.get("/mitmachen/konzept/suche/", {"q": "Bahnhof"}).content.decode()

    assert "1.1 Freies WLAN" in page
    assert "Schulen" not in page.split('role="status"')[1]


def test_on_postgresql_the_search_understands_german_word_forms(
    client, postgres_db, document, moderator
):
    page = client.get("/mitmachen/konzept/suche/", {"q": "Schule"}).content.decode()

    assert "1.2 Schulen" in page  # "Schule" finds "Schulen" by its German stem


def test_the_pdf_is_a_sandboxed_download_and_would_pass_the_upload_check(
    client, document, moderator
):
    from portal.uploads import pdf_check

    publish_second_version(document, moderator)

    response = client.get("/mitmachen/konzept/version-2/pdf/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    pdf_check(content=b"".join(response.streaming_content), name="konzept.pdf")  # no error
