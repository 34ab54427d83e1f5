"""Open311 responses: JSON or XML, the spec's error lists, and a request's public entry."""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from portal.i18n import language_normalise
from portal.text import clean_text
from services.models import OPEN_STATUSES, Case

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    from services.models import Attachment

    class _ReleasedPhotos(TypedDict):
        released_photos: list[Attachment]  # prefetched by visible_requests()


DEFECT_PREFIX = "maengel-"
security_log = logging.getLogger("django.security.open311")

XML_ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "keywords": "keyword",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def xml_render(root: str, payload) -> bytes:
    def fill(element, value):
        if isinstance(value, list):
            child_tag = XML_ITEM.get(element.tag, "item")
            for item in value:
                fill(ET.SubElement(element, child_tag), item)
        elif isinstance(value, dict):
            for key, item in value.items():
                fill(ET.SubElement(element, key), item)
        elif value is None:
            pass
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            # A value stored before input was cleaned must not make the feed unreadable.
            element.text = clean_text(str(value))

    element = ET.Element(root)
    fill(element, payload)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, root: str, payload, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            xml_render(root, payload), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(payload, safe=False, status=status)


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)


def _check_params(request) -> None:
    """Read the parameters once, so that a body Django refuses (too large, too many fields,
    broken multipart) is answered in the client's format; refuse NUL, which PostgreSQL can
    neither store nor compare."""
    try:
        params = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for query in params:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise Open311Error(400, _("Parameters must not contain NUL characters."))
    except (SuspiciousOperation, MultiPartParserError) as exc:
        security_log.warning("Open311 request refused: %s", exc)
        raise Open311Error(
            400, _("The request is too large, has too many fields or is malformed.")
        ) from exc


def open311_view(methods):
    """Wrap a view: check the format, map Open311Error to the spec's error list.

    Messages and labels are German unless the client asks for English (``Accept-Language``
    or the site's language cookie).
    """

    def decorator(view):
        @csrf_exempt  # machine-to-machine API, authenticated by api_key, no cookies involved
        def wrapped(request, *args, fmt: str, **kwargs):
            language = language_normalise(translation.get_language_from_request(request))
            with translation.override(language):
                if fmt not in ("json", "xml"):
                    return error_response("json", 404, _("The format must be json or xml."))
                if request.method not in methods:
                    response = error_response(
                        fmt,
                        405,
                        _("The method {method} is not allowed here.").format(method=request.method),
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    _check_params(request)
                    return view(request, *args, fmt=fmt, **kwargs)
                except Open311Error as exc:
                    return error_response(fmt, exc.status, exc.description)

        return wrapped

    return decorator


def iso(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def request_entry(request, case: WithAnnotations[Case, _ReleasedPhotos]) -> dict:
    report = getattr(case, "defect", None)
    if report is not None:
        code = f"{DEFECT_PREFIX}{report.category}"
        name = report.get_category_display()
        description = report.description
        address = report.address or None
        lat = float(report.latitude) if report.latitude is not None else None
        lon = float(report.longitude) if report.longitude is not None else None
        photo = case.released_photos[0] if case.released_photos else None
        media = (
            absolute(request, reverse("services:defect_photo", args=[case.reference, photo.pk]))
            if photo
            else None
        )
        # The city's current public note; without one, the defect's status in its own words.
        note = report.public_note or report.status_label
    else:
        code, name, description = case.service.slug, case.service.name, None
        address = lat = lon = media = None
        note = ""
    last_event = max((e.created_at for e in case.events.all()), default=case.submitted_at)
    expected = timezone.make_aware(datetime.combine(case.due_date, time(16, 0)))
    return {
        "service_request_id": case.reference,
        "status": "open" if case.status in OPEN_STATUSES else "closed",
        "status_notes": note or str(case.get_status_display()),
        "service_name": str(name),
        "service_code": code,
        "description": description,
        "agency_responsible": case.department.name,
        "service_notice": None,
        "requested_datetime": iso(case.submitted_at),
        "updated_datetime": iso(last_event),
        "expected_datetime": iso(expected),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": media,
    }
