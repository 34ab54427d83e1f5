"""Stored files: PDFs checked for being only PDFs, deletion after commit, the orphan sweep."""

import io
import os
import time
import zlib
from datetime import timedelta

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from pypdf.actions import JavaScript

from portal import files
from portal.api import ApplicationError
from portal.uploads import upload_check

PLAIN = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction [3 0 R /Fit] >> endobj\n%%EOF\n"


def check(content: bytes):
    with translation.override("de"):
        return upload_check(
            upload=SimpleUploadedFile("antrag.pdf", content, "application/pdf"),
            allowed=["pdf"],
            max_mb=10,
        )


def pdf_with_javascript() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_open_action(JavaScript("this.print({bUI:true,bSilent:false});"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_plain_pdf_with_an_open_action_to_a_page_is_accepted():
    assert check(PLAIN).content == PLAIN  # LaTeX and office programs write such an OpenAction


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\n1 0 obj << >> endobj\n", "ist kein vollständiges PDF-Dokument"),
        (b"%PDF-1.4\n<html><script>alert(1)</script>\n%%EOF\n", "ist nicht nur ein PDF-Dokument"),
        (b"%PDF-1.4\n<< /S /Launch /F (cmd.exe) >>\n%%EOF\n", "enthält Skripte"),
        (b"%PDF-1.4\n<< /S /J#61vaScript /J#53 (x) >>\n%%EOF\n", "enthält Skripte"),
        (
            b"%PDF-1.5\n2 0 obj << /Type /ObjStm /Filter /FlateDecode >> stream\n"
            + zlib.compress(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
            + b"\nendstream endobj\n%%EOF\n",
            "enthält Skripte",
        ),
    ],
    ids=["truncated", "html-polyglot", "launch", "escaped-name", "compressed-stream"],
)
def test_a_pdf_that_is_not_only_a_document_is_refused(content, message):
    with pytest.raises(ApplicationError) as refused:
        check(content)

    assert message in refused.value.message
    assert "„antrag.pdf“" in refused.value.message


def test_image_data_that_happens_to_hold_the_bytes_of_a_name_is_accepted():
    scan = (
        b"%PDF-1.4\n4 0 obj << /Type /XObject /Subtype /Image /Filter /DCTDecode >> stream\n"
        + b"\xff\xd8\xff/JS /Launch\x00" * 100
        + b"\nendstream endobj\n%%EOF\n"
    )

    assert check(scan).content == scan


def test_a_pdf_with_javascript_from_a_real_writer_is_refused():
    with pytest.raises(ApplicationError, match="Drucken als PDF"):
        check(pdf_with_javascript())


# --- Deleting after commit ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_rollback_keeps_the_file_and_a_commit_deletes_it(media):
    from services.models import Attachment

    name = default_storage.save("attachments/2026/01/abc", ContentFile(b"%PDF-1.4"))
    attachment = Attachment.objects.create(
        file=name, original_name="a.pdf", content_type="application/pdf", size=8
    )

    pk = attachment.pk

    def delete_then_fail():
        with transaction.atomic():
            files.files_delete_on_commit(attachment.file)
            attachment.delete()
            raise RuntimeError("the request failed after the deletion")

    with pytest.raises(RuntimeError):
        delete_then_fail()

    assert Attachment.objects.filter(pk=pk).exists()
    assert (media / name).exists()

    attachment = Attachment.objects.get(pk=pk)
    with transaction.atomic():
        files.files_delete_on_commit(attachment.file)
        attachment.delete()
        assert (media / name).exists()  # still there until the commit

    assert not (media / name).exists()


# --- The orphan sweep -----------------------------------------------------------------------


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.mark.django_db
def test_the_sweep_removes_only_old_files_that_no_row_points_to(media):
    from services.models import Attachment

    kept = default_storage.save("attachments/2026/01/kept", ContentFile(b"x"))
    Attachment.objects.create(file=kept, original_name="k.pdf", content_type="x", size=1)
    old_orphan = default_storage.save("attachments/2026/01/old", ContentFile(b"x"))
    new_orphan = default_storage.save("receipts/2026/new.pdf", ContentFile(b"x"))
    foreign = default_storage.save("elsewhere/old.txt", ContentFile(b"x"))
    for name in (kept, old_orphan, foreign):
        _age(media / name, hours=48)
    _age(media / new_orphan, hours=2)  # an upload whose transaction may still be running

    deleted = files.media_orphans_sweep(grace=timedelta(days=1))

    assert deleted == 1
    assert not (media / old_orphan).exists()
    assert (media / kept).exists()
    assert (media / new_orphan).exists()
    assert (media / foreign).exists()  # outside the upload folders: not ours to judge
