"""Public pages of the Mängelmelder: report a defect, map and list, a report's public page.

Nothing here shows a name, an e-mail address or a photo that staff have not released.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import maps, ratelimit
from portal.api import ApplicationError
from portal.files import file_response
from services import defects
from services.forms import DefectReportForm, FollowForm
from services.models import Attachment, DefectCategory, DefectReport

PENDING_SESSION_KEY = "services_defects_pending"  # references this browser filed, unconfirmed


def _public_report(reference: str) -> DefectReport:
    return get_object_or_404(defects.public_reports(), case__reference=reference)


def _filtered(request):
    reports = defects.public_reports()
    category = request.GET.get("kategorie", "")
    state = request.GET.get("stand", "")
    if category in DefectCategory.values:
        reports = reports.filter(category=category)
    if state == "offen":
        reports = reports.filter(case__status__in=defects.OPEN_STATUSES)
    elif state == "erledigt":
        reports = reports.exclude(case__status__in=defects.OPEN_STATUSES)
    return reports, category, state


@require_GET
def defect_index(request):
    reports, category, state = _filtered(request)
    page = Paginator(reports, 50).get_page(request.GET.get("seite"))
    return render(
        request,
        "services/defects/index.html",
        {
            "page": page,
            "categories": DefectCategory.choices,
            "category": category,
            "state": state,
        },
    )


def _geojson_feature(report: DefectReport) -> dict:
    reference = report.case.reference
    category = report.get_category_display()
    status = report.status_label
    return maps.point_feature(
        latitude=report.latitude,
        longitude=report.longitude,
        url=report.get_absolute_url(),
        label=f"{reference}: {category} ({status})",
        marker="open" if report.case.is_open else "closed",
        reference=reference,
        category=category,
        status=status,
        open=report.case.is_open,
    )


@require_GET
def defect_geojson(request):
    """Public reports with a position as GeoJSON (no personal data)."""
    reports, _category, _state = _filtered(request)
    features = [_geojson_feature(r) for r in reports.filter(latitude__isnull=False)[:2000]]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_GET
def defect_nearby(request):
    """Open reports of the same kind within 50 m, asked by the report form before submitting."""
    try:
        latitude = float(request.GET["lat"])
        longitude = float(request.GET["lon"])
        category = request.GET["kategorie"]
    except (KeyError, ValueError):
        return JsonResponse({"error": _("lat, lon and kategorie are required.")}, status=400)
    reports = defects.nearby_open_reports(category=category, latitude=latitude, longitude=longitude)
    return JsonResponse(
        {
            "reports": [
                {**_geojson_feature(r)["properties"], "distance_m": r.distance} for r in reports
            ]
        }
    )


@require_http_methods(["GET", "POST"])
def defect_report(request):
    user = request.user if request.user.is_authenticated else None
    form = DefectReportForm(request.POST or None, request.FILES or None, user=user)
    nearby = []
    limited: ratelimit.RateLimited | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["latitude"] is not None and not data["confirm_new"]:
            nearby = defects.nearby_open_reports(
                category=data["category"], latitude=data["latitude"], longitude=data["longitude"]
            )
        if nearby:
            posted = request.POST.copy()  # the form's data, made mutable
            posted["confirm_new"] = "on"
            form.data = posted
            messages.info(
                request,
                _("There are open reports of this kind nearby. Is one of them yours?"),
            )
        else:
            try:
                if user is None:  # the receipt goes to an address nobody has verified
                    ratelimit.limit_check(
                        request, scope="defect_report", email=data.get("email", "")
                    )
                report = defects.report_submit(
                    category=data["category"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    address=data["address"],
                    photos=data["photos"],
                    email=data.get("email", ""),
                    name=data.get("name", ""),
                    user=user,
                    language=user.language if user else translation.get_language(),
                )
            except ratelimit.RateLimited as exc:
                form.add_error(None, exc.message)
                limited = exc
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                if report.published_at is None:
                    pending = request.session.get(PENDING_SESSION_KEY, [])[-9:]
                    request.session[PENDING_SESSION_KEY] = [*pending, report.case.reference]
                    return redirect("services:defect_pending", reference=report.case.reference)
                messages.success(
                    request,
                    _("Thank you. Your report has the reference {reference}.").format(
                        reference=report.case.reference
                    ),
                )
                return redirect(report)
    response = render(request, "services/defects/report.html", {"form": form, "nearby": nearby})
    return ratelimit.too_many(response, limited) if limited else response


def _detail(request, report: DefectReport, follow_form: FollowForm):
    is_reporter = request.user.is_authenticated and report.case.applicant_id == request.user.pk
    return render(
        request,
        "services/defects/detail.html",
        {
            "report": report,
            "case": report.case,
            "photos": defects.released_photos(report=report),
            "follow_form": follow_form,
            "can_reopen": is_reporter and report.reopenable,
        },
    )


@require_GET
def defect_detail(request, reference: str):
    return _detail(request, _public_report(reference), FollowForm())


@require_POST
def defect_follow(request, reference: str):
    report = _public_report(reference)
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter a valid e-mail address."))
        return redirect(report)
    email = form.cleaned_data["email"].strip().lower()
    # A signed-in citizen's own address is verified; any other gets a confirmation link first.
    verified = request.user.is_authenticated and email == request.user.email.lower()
    if not verified:
        try:
            ratelimit.limit_check(request, scope="defect_follow", email=email)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            return ratelimit.too_many(_detail(request, report, form), exc)
    defects.report_follow(
        report=report, email=email, language=translation.get_language(), verified=verified
    )
    # The same answer whether or not the address already followed: no one learns who does.
    if verified:
        messages.success(request, _("You will be informed by e-mail when the status changes."))
    else:
        messages.success(
            request,
            _(
                "Please confirm with the link we have sent to this address. Only then will you"
                " be informed when the status changes."
            ),
        )
    return redirect(report)


@require_http_methods(["GET", "POST"])
def defect_follow_confirm(request, reference: str, token: str):
    """The link of the confirmation e-mail: a page with a button, so that a mail scanner
    opening the link confirms nothing."""
    report = _public_report(reference)
    follower = defects.follower_pending(token=token)
    valid = follower is not None and follower.report_id == report.pk
    if request.method == "POST" and valid:
        defects.follow_confirm(token=token)
        messages.success(request, _("You will be informed by e-mail when the status changes."))
        return redirect(report)
    return render(
        request,
        "services/defects/follow_confirm.html",
        {"report": report, "case": report.case, "valid": valid},
        status=200 if valid else 404,
    )


@require_http_methods(["GET", "POST"])
def defect_pending(request, reference: str):
    """After filing: "please confirm your address", and the button to get the e-mail again.

    Only the browser that filed the report sees this page (its session names the report).
    """
    if reference not in request.session.get(PENDING_SESSION_KEY, []):
        raise Http404
    report = defects.report_awaiting_confirmation(reference=reference)
    if report is None:
        published = defects.public_reports().filter(case__reference=reference).first()
        if published is not None:
            return redirect(published)
        raise Http404
    limited: ratelimit.RateLimited | None = None
    if request.method == "POST":
        try:
            ratelimit.limit_check(
                request, scope="defect_confirm_resend", email=report.case.applicant_email
            )
        except ratelimit.RateLimited as exc:
            messages.error(request, exc.message)
            limited = exc
        else:
            defects.report_confirmation_resend(report=report)
            messages.success(request, _("We have sent the e-mail again."))
            return redirect("services:defect_pending", reference=reference)
    response = render(
        request,
        "services/defects/pending.html",
        {"report": report, "case": report.case, "hours": settings.DEFECT_CONFIRM_HOURS},
    )
    return ratelimit.too_many(response, limited) if limited else response


@require_http_methods(["GET", "POST"])
def defect_confirm(request, token: str):
    """The link of the confirmation e-mail: a page with a button, so that a mail scanner
    opening the link publishes nothing."""
    report, state = defects.report_by_confirmation(token=token)
    if request.method == "POST" and state == "valid":
        confirmed = defects.report_confirm(token=token)
        if confirmed is not None:
            messages.success(
                request,
                _(
                    "Thank you. Your e-mail address is confirmed and your report {reference}"
                    " is now public. We have sent you its receipt."
                ).format(reference=confirmed.case.reference),
            )
            return redirect(confirmed)
        report, state = defects.report_by_confirmation(token=token)
    return render(
        request,
        "services/defects/confirm.html",
        {"report": report, "state": state, "hours": settings.DEFECT_CONFIRM_HOURS},
        status=404 if state == "invalid" else 200,
    )


@require_http_methods(["GET", "POST"])
def defect_unfollow(request, reference: str, token: str):
    """The link in every follower e-mail: one button stops the e-mails, no login needed."""
    report = _public_report(reference)
    valid, follower = defects.follower_by_unsubscribe(token=token)
    if not valid or (follower is not None and follower.report_id != report.pk):
        raise Http404
    state = "ask" if follower is not None else "gone"
    if request.method == "POST":
        state = "done" if defects.follow_unsubscribe(token=token) else "gone"
    return render(
        request,
        "services/defects/unfollow.html",
        {"report": report, "case": report.case, "state": state},
    )


def _reopen(request, report: DefectReport, *, token: str = ""):
    try:
        event = defects.report_reopen(report=report, user=request.user, token=token)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if event is None:
            messages.info(request, _("The report has already been reopened."))
        else:
            messages.success(
                request, _("Thank you. The report is open again and the office will check it.")
            )


@require_POST
def defect_reopen(request, reference: str):
    """The signed-in reporter's "not fixed" on the public page."""
    report = _public_report(reference)
    if not request.user.is_authenticated or report.case.applicant_id != request.user.pk:
        raise Http404
    _reopen(request, report)
    return redirect(report)


@require_POST
def defect_reopen_by_link(request, reference: str, token: str):
    """An anonymous reporter's "not fixed", from the page behind the link of their e-mail."""
    report = _public_report(reference)
    try:
        _reopen(request, report, token=token)
    except PermissionDenied:
        raise Http404 from None
    return redirect("services:anonymous_case", reference=reference, token=token)


@require_GET
def defect_photo(request, reference: str, pk: int):
    """A released photo of a public report; unreleased ones do not exist for the public."""
    report = _public_report(reference)
    photo = get_object_or_404(Attachment, pk=pk, case=report.case, released_at__isnull=False)
    return file_response(photo.file, filename=photo.original_name, inline_image=True)
