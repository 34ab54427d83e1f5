"""Smart City pages: the public start page, environment map and open data; the operators'
dashboards (map and list, pole pages with charts, alarms, fleet)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import maps
from portal.exports import csv_response
from portal.redirects import safe_next
from portal.roles import is_operator, role_required
from smartcity import selectors, services
from smartcity.models import ENVIRONMENT_KINDS, Alarm, Channel, LampEvent, Pole, PoleStatus


def _is_htmx(request) -> bool:
    """htmx polling asks for the fragment only (the page refreshes without a reload)."""
    return request.headers.get("HX-Request") == "true"


operator_required = role_required(is_operator)
"""Signed in and a smart-city operator (or superuser); others get the login or 403."""


# --- Public --------------------------------------------------------------------------------------


@require_GET
def index(request):
    return render(
        request,
        "smartcity/index.html",
        {"is_operator": is_operator(request.user)},
    )


def _geojson(poles, url_name: str, *, marker_by: str) -> dict:
    """The poles as map points, coloured (and labelled in words) by ``state`` or ``band``."""
    features = []
    for pole in poles:
        pm10 = pole.latest.get("pm10")
        band, band_label = selectors.air_quality_band(pm10.latest_value if pm10 else None)
        state_label = str(pole.state_label)
        marker, marker_label = (
            (band, band_label) if marker_by == "band" else (pole.state, state_label)
        )
        features.append(
            maps.point_feature(
                latitude=pole.latitude,
                longitude=pole.longitude,
                url=reverse(url_name, args=[pole.number]),
                label=f"{pole.number} {pole.name}: {marker_label}",
                marker=marker,
                number=pole.number,
                name=pole.name,
                state=pole.state,
                state_label=state_label,
                band=band,
                band_label=band_label,
            )
        )
    return {"type": "FeatureCollection", "features": features}


def _environment_rows(poles):
    rows = []
    for pole in poles:
        pm10 = pole.latest.get("pm10")
        band, band_label = selectors.air_quality_band(pm10.latest_value if pm10 else None)
        channels = [pole.latest[str(k)] for k in ENVIRONMENT_KINDS if str(k) in pole.latest]
        rows.append({"pole": pole, "band": band, "band_label": band_label, "channels": channels})
    return rows


@require_GET
def environment(request):
    poles = selectors.poles_overview(public=True)
    return render(
        request,
        "smartcity/environment.html",
        {
            "rows": _environment_rows(poles),
            "kinds": ENVIRONMENT_KINDS,
            "scale": selectors.PM10_SCALE,
        },
    )


@require_GET
def environment_geojson(request):
    return JsonResponse(
        _geojson(
            selectors.poles_overview(public=True), "smartcity:environment_pole", marker_by="band"
        )
    )


def _public_pole(number: str) -> Pole:
    return get_object_or_404(
        Pole.objects.exclude(status=PoleStatus.RETIRED).filter(has_environment=True),
        number=number,
    )


@require_GET
def environment_pole(request, number: str):
    pole = _public_pole(number)
    channels = list(pole.channels.filter(kind__in=ENVIRONMENT_KINDS).order_by("key"))
    charts = []
    for channel in channels:
        series = selectors.chart_series(channel=channel, range_key="7d")
        charts.append(
            {
                "channel": channel,
                "summary": selectors.series_summary(series["points"]),
                "src": reverse("smartcity:environment_chart", args=[pole.number, channel.key]),
            }
        )
    pm10 = next((c for c in channels if c.key == "pm10"), None)
    band, band_label = selectors.air_quality_band(pm10.latest_value if pm10 else None)
    return render(
        request,
        "smartcity/environment_pole.html",
        {"pole": pole, "charts": charts, "band": band, "band_label": band_label},
    )


def _chart_json(channel: Channel, range_key: str) -> JsonResponse:
    series = selectors.chart_series(channel=channel, range_key=range_key)
    points = series["points"]
    return JsonResponse(
        {
            "source": series["source"],
            "unit": channel.unit,
            "label": str(channel.get_kind_display()),
            "x": [int(p[0].timestamp()) for p in points],
            "min": [p[1] for p in points],
            "mean": [round(p[2], 3) for p in points],
            "max": [p[3] for p in points],
        }
    )


@require_GET
def environment_chart(request, number: str, key: str):
    pole = _public_pole(number)
    channel = get_object_or_404(pole.channels.filter(kind__in=ENVIRONMENT_KINDS), key=key)
    return _chart_json(channel, "7d")


def _parse_day(raw: str | None, default: date) -> date | None:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@require_GET
def open_data(request):
    poles = Pole.objects.filter(has_environment=True).exclude(status=PoleStatus.RETIRED)
    return render(
        request,
        "smartcity/open_data.html",
        {
            "poles": poles,
            "kinds": ENVIRONMENT_KINDS,
            "today": timezone.localdate(),
            "week_ago": timezone.localdate() - timedelta(days=7),
            "licence": settings.SMARTCITY_DATA_LICENCE,
            "licence_url": settings.SMARTCITY_DATA_LICENCE_URL,
        },
    )


def _export_error(fmt: str, error: str) -> HttpResponse:
    if fmt == "json":
        return JsonResponse({"message": error}, status=400)
    return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")


@require_GET
def open_data_export(request, fmt: str):
    """Hourly values (min, mean, max, count) of one pole for a date range, CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise Http404
    today = timezone.localdate()
    start = _parse_day(request.GET.get("von"), today - timedelta(days=7))
    end = _parse_day(request.GET.get("bis"), today)
    pole = Pole.objects.filter(number=request.GET.get("mast", ""), has_environment=True).first()
    channel = request.GET.get("kanal") or None
    if pole is None:
        return _export_error(fmt, _("Choose a pole with environment sensors."))
    if start is None or end is None:
        return _export_error(fmt, _("Dates must be written as YYYY-MM-DD."))
    if start > end:
        return _export_error(fmt, _("The start date must not be after the end date."))
    if (end - start).days > 366:
        return _export_error(fmt, _("At most one year per download."))
    if channel and channel not in [str(k) for k in ENVIRONMENT_KINDS]:
        return _export_error(fmt, _("Unknown measurement."))
    rows = selectors.hourly_values(pole=pole, channel_key=channel, start=start, end=end)
    licence = f"{settings.SMARTCITY_DATA_LICENCE} ({settings.SMARTCITY_DATA_LICENCE_URL})"
    attribution = _("Source: City of Castrop-Rauxel, smart poles")
    filename = f"castrop-rauxel-{pole.number}-{start}-{end}"
    if fmt == "json":
        response = JsonResponse(
            {
                "licence": licence,
                "attribution": attribution,
                "pole": {
                    "number": pole.number,
                    "name": pole.name,
                    "latitude": float(pole.latitude),
                    "longitude": float(pole.longitude),
                },
                "values": [
                    {
                        "channel": r.channel.key,
                        "unit": r.channel.unit,
                        "hour": r.hour.isoformat(),
                        "min": r.minimum,
                        "mean": round(r.mean, 3),
                        "max": r.maximum,
                        "count": r.count,
                    }
                    for r in rows.iterator()
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    return csv_response(
        filename=f"{filename}.csv",
        flavour="data",
        preamble=[
            _("{attribution}. Licence: {licence}").format(attribution=attribution, licence=licence)
        ],
        header=["pole", "channel", "unit", "hour_utc", "min", "mean", "max", "count"],
        rows=(
            [
                pole.number,
                r.channel.key,
                r.channel.unit,
                r.hour,
                r.minimum,
                round(r.mean, 3),
                r.maximum,
                r.count,
            ]
            for r in rows.iterator()
        ),
    )


# --- Operators -----------------------------------------------------------------------------------


@operator_required
@require_GET
def dashboard(request):
    poles = selectors.poles_overview()
    context = {"poles": poles, "fleet": selectors.fleet_summary()}
    template = (
        "smartcity/includes/pole_table.html" if _is_htmx(request) else "smartcity/dashboard.html"
    )
    return render(request, template, context)


@operator_required
@require_GET
def dashboard_geojson(request):
    return JsonResponse(_geojson(selectors.poles_overview(), "smartcity:pole", marker_by="state"))


@operator_required
@require_GET
def pole_detail(request, number: str):
    pole = get_object_or_404(Pole, number=number)
    range_key = selectors.parse_range(request.GET.get("zeitraum"))
    channels = list(pole.channels.order_by("key"))
    open_alarms, past_alarms = selectors.pole_alarms(pole=pole)
    context = {
        "pole": pole,
        "channels": channels,
        "range_key": range_key,
        "ranges": [
            ("24h", _("24 hours")),
            ("7d", _("7 days")),
            ("30d", _("30 days")),
            ("1y", _("1 year")),
        ],
        "open_alarms": open_alarms,
        "past_alarms": past_alarms,
        "charging": selectors.pole_charging(pole=pole),
        "lamp_events": LampEvent.objects.filter(pole=pole)[:10],
    }
    if _is_htmx(request):
        return render(request, "smartcity/includes/latest_values.html", context)
    return render(request, "smartcity/pole.html", context)


def _operator_channel(number: str, key: str) -> Channel:
    return get_object_or_404(Channel.objects.select_related("pole"), pole__number=number, key=key)


@operator_required
@require_GET
def pole_chart(request, number: str, key: str):
    channel = _operator_channel(number, key)
    return _chart_json(channel, selectors.parse_range(request.GET.get("zeitraum")))


@operator_required
@require_GET
def pole_chart_csv(request, number: str, key: str):
    channel = _operator_channel(number, key)
    range_key = selectors.parse_range(request.GET.get("zeitraum"))
    series = selectors.chart_series(channel=channel, range_key=range_key)
    return csv_response(
        filename=f"{channel.pole.number}-{channel.key}-{range_key}.csv",
        flavour="data",
        header=["time_utc", "min", "mean", "max", "source", "unit"],
        rows=(
            [ts, low, round(mean, 3), high, series["source"], channel.unit]
            for ts, low, mean, high in series["points"]
        ),
    )


@operator_required
@require_GET
def alarms(request):
    open_alarms = Alarm.objects.open().select_related("pole", "acknowledged_by")
    closed = Alarm.objects.filter(closed_at__isnull=False).select_related("pole")
    page = Paginator(closed, 50).get_page(request.GET.get("seite"))
    return render(request, "smartcity/alarms.html", {"open_alarms": open_alarms, "page": page})


@operator_required
@require_POST
def alarm_acknowledge(request, pk: int):
    alarm = get_object_or_404(Alarm, pk=pk)
    note = request.POST.get("note", "")
    if len(note) > 2000:
        messages.error(request, _("The note may have at most 2,000 characters."))
    else:
        services.alarm_acknowledge(alarm=alarm, user=request.user, note=note)
        messages.success(request, _("Alarm acknowledged."))
    return redirect(safe_next(request, request.POST.get("next"), reverse("smartcity:alarms")))


@operator_required
@require_GET
def fleet(request):
    return render(request, "smartcity/fleet.html", {"fleet": selectors.fleet_summary()})
