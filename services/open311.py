"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) at /open311/v2/.

Plain Django views: the specification fixes the URLs (``requests.json``, ``requests.xml``), the
form-encoded POST with ``attribute[code]`` fields and the error lists, which a generic REST
framework would only get in the way of. Responses never contain personal data.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal.api import ApplicationError
from services import defects
from services import services as case_services
from services.forms import StepForm
from services.models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    DefectCategory,
    DefectReport,
    Draft,
    FieldType,
    LoginLevel,
    Open311Key,
    Service,
)

DEFECT_PREFIX = "maengel-"
MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
DATATYPES = {
    FieldType.TEXT: "string",
    FieldType.EMAIL: "string",
    FieldType.PHONE: "string",
    FieldType.TEXTAREA: "text",
    FieldType.NUMBER: "number",
    FieldType.DATE: "datetime",
    FieldType.CHOICE: "singlevaluelist",
    FieldType.MULTIPLE: "multivaluelist",
    FieldType.CHECKBOX: "singlevaluelist",
}
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


# --- Keys --------------------------------------------------------------------------------------


@transaction.atomic
def key_create(*, name: str) -> tuple[Open311Key, str]:
    """Issue a key. The raw key is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    key = Open311Key(name=name.strip(), prefix=raw[:8], key_hash=case_services.hash_token(raw))
    key.full_clean()
    key.save()
    return key, raw


def _check_key(raw: str) -> None:
    if not raw:
        raise Open311Error(403, "api_key is required")
    exists = Open311Key.objects.filter(
        key_hash=case_services.hash_token(raw), revoked_at__isnull=True
    ).exists()
    if not exists:
        raise Open311Error(403, "api_key is not valid")


# --- Rendering ---------------------------------------------------------------------------------


def _xml(root: str, payload) -> bytes:
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
            element.text = str(value)

    element = ET.Element(root)
    fill(element, payload)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8")


def _respond(fmt: str, root: str, payload, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            _xml(root, payload), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(payload, safe=False, status=status)


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(fmt, "errors", [{"code": status, "description": description}], status=status)


def open311_view(methods):
    """Wrap a view: check the format, map Open311Error to the spec's error list."""

    def decorator(view):
        @csrf_exempt  # machine-to-machine API, authenticated by api_key, no cookies involved
        @require_http_methods(methods)
        def wrapped(request, *args, fmt: str, **kwargs):
            if fmt not in ("json", "xml"):
                return _error("json", 404, "format must be json or xml")
            with translation.override("de"):
                try:
                    return view(request, *args, fmt=fmt, **kwargs)
                except Open311Error as exc:
                    return _error(fmt, exc.status, exc.description)

        return wrapped

    return decorator


def _iso(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


# --- Services ----------------------------------------------------------------------------------


def _api_services():
    return (
        Service.objects.filter(
            login_level=LoginLevel.ANONYMOUS, is_online=True, form_versions__isnull=False
        )
        .exclude(slug=defects.DEFECT_SERVICE_SLUG)
        .distinct()
    )


def _defect_service_entries() -> list[dict]:
    return [
        {
            "service_code": f"{DEFECT_PREFIX}{value}",
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": "Mängelmelder",
            "group": "Mängelmelder",
        }
        for value, label in DefectCategory.choices
    ]


def _service_entry(service: Service) -> dict:
    return {
        "service_code": service.slug,
        "service_name": service.name,
        "description": service.summary,
        "metadata": True,
        "type": "batch",
        "keywords": service.search_terms,
        "group": service.category.name,
    }


def _attributes(service: Service) -> list[dict]:
    """Attribute definitions from the service's current form (files cannot be sent)."""
    attributes, order = [], 0
    for step in service.current_form.steps:
        for spec in step["fields"]:
            if spec["type"] == FieldType.FILE:
                continue
            parts = (
                [
                    (f"{spec['key']}__{p}", f"{spec['label']['de']} ({p})")
                    for p in ("street", "postcode", "city")
                ]
                if spec["type"] == FieldType.ADDRESS
                else [(spec["key"], spec["label"]["de"])]
            )
            for code, description in parts:
                order += 1
                entry = {
                    "variable": True,
                    "code": code,
                    "datatype": DATATYPES.get(spec["type"], "string"),
                    "required": spec["required"] and not spec.get("show_if"),
                    "datatype_description": spec["help"]["de"] or None,
                    "order": order,
                    "description": description,
                }
                if spec["type"] in (FieldType.CHOICE, FieldType.MULTIPLE):
                    entry["values"] = [
                        {"key": c["value"], "name": c["label"]["de"]} for c in spec["choices"]
                    ]
                elif spec["type"] == FieldType.CHECKBOX:
                    entry["values"] = [
                        {"key": "true", "name": "Ja"},
                        {"key": "false", "name": "Nein"},
                    ]
                attributes.append(entry)
    return attributes


def _today():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


@open311_view(["GET"])
def discovery(request, *, fmt: str):
    base = _absolute(request, reverse("open311:root"))
    return _respond(
        fmt,
        "discovery",
        {
            "changeset": _iso(_today()),
            "contact": settings.CITY_CONTACT_EMAIL,
            "key_service": "API keys are issued by the City of Castrop-Rauxel: "
            + settings.CITY_CONTACT_EMAIL,
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": _iso(
                        timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
                    ),
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@open311_view(["GET"])
def service_list(request, *, fmt: str):
    entries = _defect_service_entries() + [
        _service_entry(s) for s in _api_services().select_related("category")
    ]
    return _respond(fmt, "services", entries)


@open311_view(["GET"])
def service_definition(request, code: str, *, fmt: str):
    if code.startswith(DEFECT_PREFIX) and code[len(DEFECT_PREFIX) :] in DefectCategory.values:
        return _respond(fmt, "service_definition", {"service_code": code, "attributes": []})
    service = _api_services().filter(slug=code).first()
    if service is None:
        raise Open311Error(404, f"service_code {code} not found")
    return _respond(
        fmt, "service_definition", {"service_code": code, "attributes": _attributes(service)}
    )


# --- Requests ----------------------------------------------------------------------------------


def _request_entry(request, case: Case) -> dict:
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
            _absolute(request, reverse("services:defect_photo", args=[case.reference, photo.pk]))
            if photo
            else None
        )
        note = report.public_note
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
        "requested_datetime": _iso(case.submitted_at),
        "updated_datetime": _iso(last_event),
        "expected_datetime": _iso(expected),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": media,
    }


def _visible_requests():
    """Requests the API shows: defect reports (public) and cases of anonymous services."""
    return (
        Case.objects.filter(anonymised_at__isnull=True)
        .exclude(status="withdrawn")
        .filter(service__login_level=LoginLevel.ANONYMOUS)
        .select_related("service", "department", "defect")
        .prefetch_related(
            "events",
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(released_at__isnull=False, message__isnull=True),
                to_attr="released_photos",
            ),
        )
    )


def _parse_date(name: str, value: str):
    parsed = parse_datetime(value.replace(" ", "+")) if value else None
    if value and (parsed is None or parsed.tzinfo is None):
        raise Open311Error(400, f"{name} must be a W3C datetime with a time zone")
    return parsed


@open311_view(["GET", "POST"])
def requests_collection(request, *, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    cases = _visible_requests()
    params = request.GET
    if params.get("service_request_id"):
        ids = [i.strip() for i in params["service_request_id"].split(",") if i.strip()]
        cases = cases.filter(reference__in=ids)
    else:
        start = _parse_date("start_date", params.get("start_date", ""))
        end = _parse_date("end_date", params.get("end_date", ""))
        if start and end and start > end:
            raise Open311Error(400, "start_date must be before end_date")
        if start is None and end is None:
            start = timezone.now() - DEFAULT_WINDOW
        elif start is None:
            start = end - DEFAULT_WINDOW
        elif end is None:
            end = start + DEFAULT_WINDOW
        if end is not None and end - start > DEFAULT_WINDOW:
            raise Open311Error(400, "the date range must not exceed 90 days")
        cases = cases.filter(submitted_at__gte=start)
        if end is not None:
            cases = cases.filter(submitted_at__lte=end)
        if params.get("service_code"):
            codes = [c.strip() for c in params["service_code"].split(",")]
            categories = [c[len(DEFECT_PREFIX) :] for c in codes if c.startswith(DEFECT_PREFIX)]
            slugs = [c for c in codes if not c.startswith(DEFECT_PREFIX)]
            cases = cases.filter(defect__category__in=categories) | cases.filter(
                service__slug__in=slugs, defect__isnull=True
            )
        status = params.get("status", "")
        statuses = {s.strip() for s in status.split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        if statuses == {"open"}:
            cases = cases.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            cases = cases.exclude(status__in=OPEN_STATUSES)
    entries = [_request_entry(request, c) for c in cases.order_by("-submitted_at")[:MAX_RESULTS]]
    return _respond(fmt, "service_requests", entries)


@open311_view(["GET"])
def request_detail(request, reference: str, *, fmt: str):
    case = _visible_requests().filter(reference=reference).first()
    if case is None:
        raise Open311Error(404, f"service_request_id {reference} not found")
    return _respond(fmt, "service_requests", [_request_entry(request, case)])


@open311_view(["GET"])
def token_detail(request, token: str, *, fmt: str):
    report = DefectReport.objects.filter(open311_token=token).select_related("case").first()
    if report is None or not token:
        raise Open311Error(404, f"token {token} not found")
    return _respond(
        fmt, "service_requests", [{"service_request_id": report.case.reference, "token": token}]
    )


def _attribute_data(post) -> dict:
    """``attribute[code]=v`` and ``attribute[code][]=v`` (multivaluelist) as a form's data."""
    data: dict[str, list[str]] = {}
    for key in post:
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute[") : -1]
            if code.endswith("]["):
                code = code[:-2]
            data.setdefault(code, []).extend(post.getlist(key))
    return data


def _create(request, fmt: str) -> HttpResponse:
    post = request.POST
    _check_key(post.get("api_key", ""))
    code = post.get("service_code", "")
    if not code:
        raise Open311Error(400, "service_code is required")
    lat, lon = post.get("lat", ""), post.get("long", "")
    try:
        latitude = float(lat) if lat else None
        longitude = float(lon) if lon else None
    except ValueError as exc:
        raise Open311Error(400, "lat and long must be numbers") from exc
    name = " ".join(p for p in (post.get("first_name", ""), post.get("last_name", "")) if p)
    try:
        if code.startswith(DEFECT_PREFIX):
            category = code[len(DEFECT_PREFIX) :]
            if category not in DefectCategory.values:
                raise Open311Error(404, f"service_code {code} not found")
            if latitude is None and not post.get("address_string"):
                raise Open311Error(400, "a location is required: lat and long, or address_string")
            report = defects.report_submit(
                category=category,
                description=post.get("description", ""),
                latitude=latitude,
                longitude=longitude,
                address=post.get("address_string", ""),
                photos=[],
                email=post.get("email", ""),
                name=name,
                user=None,
                language="de",
            )
            reference = report.case.reference
        else:
            reference = _create_case(code, post, name)
    except ApplicationError as exc:
        raise Open311Error(400, exc.message) from exc
    return _respond(
        fmt,
        "service_requests",
        [{"service_request_id": reference, "service_notice": None, "account_id": None}],
        status=201,
    )


def _create_case(code: str, post, name: str) -> str:
    service = _api_services().filter(slug=code).first()
    if service is None:
        raise Open311Error(404, f"service_code {code} not found")
    email = post.get("email", "").strip()
    if not email:
        raise Open311Error(400, "email is required for this service")
    form_version = service.current_form
    data = _attribute_data(post)
    answers: dict = {}
    for step in form_version.steps:
        form = StepForm(
            data=_QueryLike(data), step=step, answers=answers, language="de", stored_files=set()
        )
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise Open311Error(400, f"attribute[{field}]: {errors[0]}")
        step_answers, _files = form.answers_and_files()
        answers.update(step_answers)
    with transaction.atomic():
        draft = Draft.objects.create(
            service=service,
            form_version=form_version,
            email=email,
            token_hash=case_services.hash_token(secrets.token_urlsafe(24)),
            answers=answers,
            step=len(form_version.steps),
        )
        case, _token = case_services.case_submit(
            draft=draft,
            applicant_name=name or email,
            applicant_email=email,
            language="de",
            consent=True,
        )
    return case.reference


class _QueryLike(dict):
    """The minimal QueryDict interface a form's widgets read (get and getlist)."""

    def get(self, key, default=None):
        values = super().get(key)
        return values[-1] if values else default

    def getlist(self, key, default=None):
        return super().get(key, default or [])
