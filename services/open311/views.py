"""Open311 GeoReport v2 views (discovery, services, requests, tokens). Thin: parse, call a
service, render."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import ratelimit
from portal.api import ApplicationError
from portal.i18n import language_normalise
from services import defects
from services import services as case_services
from services.models import OPEN_STATUSES, DefectCategory, DefectReport
from services.open311.catalogue import (
    api_services,
    attributes,
    defect_service_entries,
    service_entry,
    today,
    visible_requests,
)
from services.open311.parsing import (
    form_answers,
    parse_coordinate,
    parse_date,
    parse_email,
    parse_text,
)
from services.open311.rendering import (
    DEFECT_PREFIX,
    Open311Error,
    absolute,
    iso,
    open311_view,
    request_entry,
    respond,
)

MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
# The lengths of the fields the input is stored in (DefectReport, Case.applicant_name).
DESCRIPTION_MAX_LENGTH = 2000
ADDRESS_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200


def _check_key(raw: str) -> None:
    if not raw:
        raise Open311Error(403, _("api_key is required."))
    if not case_services.key_is_valid(raw):
        raise Open311Error(403, _("api_key is not valid."))


@open311_view(["GET"])
def discovery(request, *, fmt: str):
    base = absolute(request, reverse("open311:root"))
    return respond(
        fmt,
        "discovery",
        {
            "changeset": iso(today()),
            "contact": settings.CITY_CONTACT_EMAIL,
            "key_service": "API keys are issued by the City of Castrop-Rauxel: "
            + settings.CITY_CONTACT_EMAIL,
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": iso(
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
    entries = defect_service_entries() + [
        service_entry(s) for s in api_services().select_related("category")
    ]
    return respond(fmt, "services", entries)


@open311_view(["GET"])
def service_definition(request, code: str, *, fmt: str):
    if code.startswith(DEFECT_PREFIX) and code[len(DEFECT_PREFIX) :] in DefectCategory.values:
        return respond(fmt, "service_definition", {"service_code": code, "attributes": []})
    service = api_services().filter(slug=code).first()
    if service is None:
        raise Open311Error(404, _("service_code {code} was not found.").format(code=code))
    return respond(
        fmt, "service_definition", {"service_code": code, "attributes": attributes(service)}
    )


@open311_view(["GET", "POST"])
def requests_collection(request, *, fmt: str):
    if request.method == "POST":
        post = request.POST  # per API key and per e-mail address (portal.ratelimit)
        try:
            ratelimit.limit_check(
                request,
                scope="open311",
                email=post.get("email", ""),
                client=post.get("api_key", ""),
            )
        except ratelimit.RateLimited as exc:
            error = [
                {"code": 429, "description": f"too many requests, retry in {exc.retry_after} s"}
            ]
            return ratelimit.too_many(respond(fmt, "errors", error, status=429), exc)
        return _create(request, fmt)
    cases = visible_requests()
    params = request.GET
    if params.get("service_request_id"):
        ids = [i.strip() for i in params["service_request_id"].split(",") if i.strip()]
        if len(ids) > MAX_RESULTS:
            raise Open311Error(
                400,
                _("At most {n} service_request_id values can be asked for.").format(n=MAX_RESULTS),
            )
        cases = cases.filter(reference__in=ids)
    else:
        start = parse_date("start_date", params.get("start_date", ""))
        end = parse_date("end_date", params.get("end_date", ""))
        if start and end and start > end:
            raise Open311Error(400, _("start_date must be before end_date."))
        try:
            if start is None and end is None:
                start = timezone.now() - DEFAULT_WINDOW
            elif start is None:
                start = end - DEFAULT_WINDOW
            elif end is None:
                end = start + DEFAULT_WINDOW
        except OverflowError as exc:  # 90 days before year 1 or after year 9999
            raise Open311Error(400, _("The dates lie outside the possible range.")) from exc
        if end is not None and end - start > DEFAULT_WINDOW:
            raise Open311Error(400, _("The date range must not exceed 90 days."))
        cases = cases.filter(submitted_at__gte=start)
        if end is not None:
            cases = cases.filter(submitted_at__lte=end)
        if params.get("service_code"):
            codes = {c.strip() for c in params["service_code"].split(",")}
            if len(codes) > MAX_RESULTS:
                raise Open311Error(
                    400,
                    _("At most {n} service_code values can be asked for.").format(n=MAX_RESULTS),
                )
            categories = [c[len(DEFECT_PREFIX) :] for c in codes if c.startswith(DEFECT_PREFIX)]
            slugs = [c for c in codes if not c.startswith(DEFECT_PREFIX)]
            cases = cases.filter(defect__category__in=categories) | cases.filter(
                service__slug__in=slugs, defect__isnull=True
            )
        status = params.get("status", "")
        statuses = {s.strip() for s in status.split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed."))
        if statuses == {"open"}:
            cases = cases.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            cases = cases.exclude(status__in=OPEN_STATUSES)
    entries = [request_entry(request, c) for c in cases.order_by("-submitted_at")[:MAX_RESULTS]]
    return respond(fmt, "service_requests", entries)


@open311_view(["GET"])
def request_detail(request, reference: str, *, fmt: str):
    case = visible_requests().filter(reference=reference).first()
    if case is None:
        raise Open311Error(
            404, _("service_request_id {reference} was not found.").format(reference=reference)
        )
    return respond(fmt, "service_requests", [request_entry(request, case)])


@open311_view(["GET"])
def token_detail(request, token: str, *, fmt: str):
    report = (
        DefectReport.objects.filter(open311_token=token, case__anonymised_at__isnull=True)
        .select_related("case")
        .first()
    )
    if report is None or not token:
        raise Open311Error(404, _("token {token} was not found.").format(token=token))
    # No id while the reporter's address is unconfirmed: the request is not public yet.
    reference = report.case.reference if report.published_at is not None else None
    return respond(fmt, "service_requests", [{"service_request_id": reference, "token": token}])


def _create(request, fmt: str) -> HttpResponse:
    post = request.POST
    _check_key(post.get("api_key", ""))
    code = post.get("service_code", "")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    latitude = parse_coordinate("lat", post.get("lat", ""), limit=90)
    longitude = parse_coordinate("long", post.get("long", ""), limit=180)
    email = parse_email(post)
    description = parse_text(post, "description", max_length=DESCRIPTION_MAX_LENGTH)
    address = parse_text(post, "address_string", max_length=ADDRESS_MAX_LENGTH)
    name = " ".join(
        p
        for p in (
            parse_text(post, "first_name", max_length=NAME_MAX_LENGTH),
            parse_text(post, "last_name", max_length=NAME_MAX_LENGTH),
        )
        if p
    )
    if len(name) > NAME_MAX_LENGTH:
        raise Open311Error(
            400,
            _("first_name and last_name may have at most {n} characters together.").format(
                n=NAME_MAX_LENGTH
            ),
        )
    # The language of the reporter's e-mails: Open311 has no field for it; "locale" is what
    # several clients send, else the client's Accept-Language.
    language = language_normalise(post.get("locale", "") or translation.get_language())
    report = None
    try:
        if code.startswith(DEFECT_PREFIX):
            category = code[len(DEFECT_PREFIX) :]
            if category not in DefectCategory.values:
                raise Open311Error(404, _("service_code {code} was not found.").format(code=code))
            if latitude is None and not address:
                raise Open311Error(
                    400, _("A location is required: lat and long, or address_string.")
                )
            report = defects.report_submit(
                category=category,
                description=description,
                latitude=latitude,
                longitude=longitude,
                address=address,
                photos=[],
                email=email,
                name=name,
                user=None,
                language=language,
            )
        else:
            reference = _create_case(code, post, name, email)
    except ApplicationError as exc:
        raise Open311Error(400, exc.message) from exc
    except ValidationError as exc:  # a model's own check the parsing above did not foresee
        raise Open311Error(400, exc.messages[0]) from exc
    if report is not None:
        # The key names the partner app, not the citizen: the address it passes on is
        # confirmed like any other before the report is public. Until then the spec's token
        # stands in for the id (GET tokens/<token> gives the id once it is public).
        with translation.override(language):
            notice = _(
                "We have sent an e-mail to confirm the address. The report is published and"
                " gets its service_request_id once the link in it is opened (within {hours}"
                " hours)."
            ).format(hours=settings.DEFECT_CONFIRM_HOURS)
        entry = {"token": report.open311_token, "service_notice": notice, "account_id": None}
    else:
        entry = {"service_request_id": reference, "service_notice": None, "account_id": None}
    return respond(fmt, "service_requests", [entry], status=201)


def _create_case(code: str, post, name: str, email: str) -> str:
    service = api_services().filter(slug=code).first()
    if service is None:
        raise Open311Error(404, _("service_code {code} was not found.").format(code=code))
    if not email:
        raise Open311Error(400, _("email is required for this service."))
    case, _token = case_services.case_submit_answers(
        service=service,
        answers=form_answers(service, post),
        applicant_name=name or email,
        applicant_email=email,
        language="de",
    )
    return case.reference
