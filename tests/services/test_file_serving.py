"""Every file the Serviceportal hands out is a download a browser never runs as a page."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile

from services.models import Attachment
from tests.services.factories import CaseFactory

pytestmark = pytest.mark.django_db

# A file that is a PDF for a PDF reader and a page with a script for a browser.
POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
SANDBOX = "default-src 'none'; sandbox"


def stored(case, content: bytes, name="nachweis.pdf", content_type="text/html", **kw):
    attachment = Attachment(
        case=case, original_name=name, content_type=content_type, size=len(content), **kw
    )
    attachment.file.save("upload", ContentFile(content), save=False)
    attachment.save()
    return attachment


def assert_safe_download(response, content_type="application/pdf"):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type  # sniffed, never the row's "text/html"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX


def test_a_citizen_downloads_an_attachment_and_the_receipt_sandboxed(client, citizen_a, media):
    case = CaseFactory(applicant=citizen_a)
    attachment = stored(case, POLYGLOT)
    case.receipt.save("r.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    client.force_login(citizen_a)

    assert_safe_download(
        client.get(f"/services/antraege/{case.reference}/dateien/{attachment.pk}/")
    )
    assert_safe_download(client.get(f"/services/antraege/{case.reference}/quittung.pdf"))


def test_a_file_of_unknown_kind_is_served_as_opaque_bytes(client, citizen_a, media):
    case = CaseFactory(applicant=citizen_a)
    attachment = stored(case, b"<html><script>alert(1)</script>", name="x.html")
    client.force_login(citizen_a)

    response = client.get(f"/services/antraege/{case.reference}/dateien/{attachment.pk}/")

    assert_safe_download(response, content_type="application/octet-stream")


def test_staff_download_attachments_and_receipts_sandboxed(client, case_worker, tax_office, media):
    case = CaseFactory(department=tax_office)
    attachment = stored(case, POLYGLOT)
    case.receipt.save("r.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    case_worker.user_permissions.add(*Permission.objects.filter(codename__in=["view_case"]))
    client.force_login(case_worker)

    assert_safe_download(client.get(f"/admin/services/case/{case.pk}/datei/{attachment.pk}/"))
    assert_safe_download(client.get(f"/admin/services/case/{case.pk}/quittung/"))


def test_a_released_defect_photo_shows_inline_only_as_the_image_it_is(
    client, defect_service, media, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from tests.services.test_defects import jpeg_with_gps, report

    found = report()
    photo = stored(
        found.case, jpeg_with_gps(), name="p.jpg", content_type="text/html",
        released_at=timezone.now(),
    )  # fmt: skip
    fake = stored(found.case, POLYGLOT, name="p.jpg", released_at=timezone.now())
    base = f"/services/maengel/{found.case.reference}/fotos/"

    image = client.get(f"{base}{photo.pk}/")
    not_an_image = client.get(f"{base}{fake.pk}/")

    assert image["Content-Type"] == "image/jpeg"
    assert image["Content-Disposition"].startswith("inline;")
    assert image["Content-Security-Policy"] == SANDBOX
    assert image["X-Content-Type-Options"] == "nosniff"
    assert_safe_download(not_an_image)


def test_uploaded_files_are_not_reachable_by_any_url_but_the_checked_views(
    client, citizen_a, media
):
    from django.conf import settings

    case = CaseFactory(applicant=citizen_a)
    attachment = stored(case, POLYGLOT)
    client.force_login(citizen_a)

    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"  # no media URL is mounted
    for prefix in ("/", "/media/", "/static/"):
        assert client.get(f"{prefix}{attachment.file.name}").status_code == 404
