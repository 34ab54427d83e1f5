"""Every file a person uploads passes through ``upload_check``: kind by content, size, pixels.

A file's kind is decided by its first bytes, never by its name or the browser's content type.
Images are decoded and re-encoded: that removes EXIF (GPS position, camera) and anything hidden
after the image data, and refuses decompression bombs before their pixels are decoded.
"""

from __future__ import annotations

import io
import re
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from portal.api import ApplicationError


@dataclass(frozen=True)
class FileKind:
    signature: bytes
    content_type: str
    extension: str


KINDS: dict[str, FileKind] = {
    "pdf": FileKind(b"%PDF-", "application/pdf", "pdf"),
    "jpeg": FileKind(b"\xff\xd8\xff", "image/jpeg", "jpg"),
    "png": FileKind(b"\x89PNG\r\n\x1a\n", "image/png", "png"),
}
IMAGE_KINDS = ("jpeg", "png")
# WeasyPrint switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when it is imported; an
# upload must never be accepted half-decoded, so decoding runs with it off, one at a time.
_DECODE_LOCK = threading.Lock()


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, ready to store."""

    content: bytes
    kind: str
    content_type: str
    name: str  # the uploaded name without folders, with the extension of its real kind

    @property
    def size(self) -> int:
        return len(self.content)


def upload_check(*, upload: UploadedFile, allowed: Iterable[str], max_mb: int) -> CheckedFile:
    """Check ``upload`` by content and size; re-encode images without metadata.

    Raises ApplicationError with a message for the user; nothing is stored by this function.
    """
    allowed = [kind for kind in allowed if kind in KINDS]
    name = upload.name or "upload"
    if upload.size is not None and upload.size > max_mb * 1024 * 1024:
        raise ApplicationError(
            _("The file “{name}” is larger than {mb} MB.").format(name=name, mb=max_mb)
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k, spec in KINDS.items() if head.startswith(spec.signature)), None)
    if kind is None or kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise ApplicationError(
            _("The file “{name}” is not a {types} file.").format(name=name, types=names)
        )
    content = upload.read()
    if len(content) > max_mb * 1024 * 1024:  # the declared size may lie
        raise ApplicationError(
            _("The file “{name}” is larger than {mb} MB.").format(name=name, mb=max_mb)
        )
    if kind in IMAGE_KINDS:
        content = image_reencode(content=content, kind=kind, name=name)
    elif kind == "pdf":
        pdf_check(content=content, name=name)
    return CheckedFile(
        content=content,
        kind=kind,
        content_type=KINDS[kind].content_type,
        name=safe_name(name, extension=KINDS[kind].extension),
    )


def safe_name(name: str, *, extension: str) -> str:
    """The file name without any folder part, at most 150 characters, with ``extension``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1][:150] or "upload"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'upload'}.{extension}"


def image_reencode(*, content: bytes, kind: str, name: str) -> bytes:
    """Decode and re-encode an image, keeping its visible orientation and dropping metadata.

    The pixel count is checked from the header before any pixel is decoded.
    """
    from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

    max_pixels = settings.UPLOAD_MAX_IMAGE_PIXELS
    unreadable = _("The image “{name}” could not be read.").format(name=name)
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ApplicationError(
                    _(
                        "The image “{name}” has too many pixels ({width} × {height}); "
                        "at most {megapixels} megapixels are accepted."
                    ).format(
                        name=name, width=width, height=height, megapixels=max_pixels // 1_000_000
                    )
                )
            with _DECODE_LOCK:
                tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                try:
                    image.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpeg":
                upright.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                upright.save(out, format="PNG")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ApplicationError(unreadable) from exc
    return out.getvalue()


# What a case worker needs from an uploaded PDF is a document to read and print: scans,
# certificates, forms saved from office software. None of these needs a script or an action
# that starts a program, and the city's workstations open PDFs in viewers that would run them,
# so a PDF with JavaScript (``/JavaScript``, ``/JS``) or a program start (``/Launch``) is
# refused, as is one that is also an HTML page (a polyglot: HTML in its first kilobyte, where
# browsers look when they guess a type). ``/OpenAction`` alone is kept: LaTeX and office
# programs write it to open the first page at a zoom; only the script it could run is refused.
# Names may be written with ``#xx`` escapes and hidden in compressed object streams, so both
# are undone before the search (with a bound on the inflated size: no bomb through here).
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_HTML_HEAD = re.compile(rb"<\s*(?:html|script|body|head|iframe|svg|!doctype)", re.IGNORECASE)
PDF_INFLATE_LIMIT = 64 * 1024 * 1024  # bytes of decompressed streams searched per file


def pdf_check(*, content: bytes, name: str) -> None:
    """Refuse a PDF that is not one (no end marker), is also HTML, or carries active content."""
    if b"%%EOF" not in content[-1024:]:
        raise ApplicationError(
            _("The file “{name}” is not a complete PDF document.").format(name=name)
        )
    if _HTML_HEAD.search(content[:1024]):
        raise ApplicationError(
            _("The file “{name}” is not only a PDF document and is not accepted.").format(name=name)
        )
    if any(_PDF_ACTIVE.search(_unescape_names(part)) for part in _pdf_parts(content)):
        raise ApplicationError(
            _(
                "The file “{name}” contains scripts or starts programs and is not accepted "
                "for security reasons. Please save it as a plain PDF (for example with "
                "“Print as PDF”) and upload it again."
            ).format(name=name)
        )


def _unescape_names(data: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), data)


def _pdf_parts(content: bytes) -> Iterator[bytes]:
    """The file's object text without stream data, then each compressed object stream inflated
    (within PDF_INFLATE_LIMIT). Other streams (page contents, images, fonts) are skipped: their
    bytes are not dictionaries, and searching image data would refuse a scan by chance."""
    view = memoryview(content)
    budget = PDF_INFLATE_LIMIT
    position = 0
    while True:
        match = _PDF_STREAM.search(content, position)
        end = content.find(b"endstream", match.end()) if match else -1
        if match is None or end == -1:
            yield content[position:]
            return
        yield content[position : match.start()]
        dictionary = _unescape_names(content[max(position, match.start() - 1024) : match.start()])
        if b"/ObjStm" in dictionary and budget > 0:
            try:
                part = zlib.decompressobj().decompress(view[match.end() : end], budget)
            except zlib.error:
                part = b""  # not Flate: a viewer could not read those objects either
            budget -= len(part)
            yield part
        position = end + len(b"endstream")
