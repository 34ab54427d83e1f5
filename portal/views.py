"""Pages of the site shell: home, legal pages, profile, health check; the maps' own-origin
tiles and address look-ups."""

import json
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import maps, ratelimit, selectors, services
from portal.api import ApplicationError
from portal.celery import app as celery_app
from portal.forms import AccessibilityFeedbackForm, AccountDeleteForm, ProfileForm


def favicon(request):
    return redirect(static("img/favicon.svg"), permanent=True)


def home(request):
    return render(request, "portal/home.html")


def imprint(request):
    return render(request, "portal/imprint.html")


def privacy(request):
    return render(request, "portal/privacy.html")


def contact(request):
    return render(request, "portal/contact.html")


def easy_language(request):
    return render(request, "portal/easy_language.html")


@require_http_methods(["GET", "POST"])
def accessibility(request):
    """The accessibility statement (NRW model) with its feedback form."""
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.limit_check(
                request, scope="accessibility_feedback", email=form.cleaned_data["email"]
            )
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            response = render(request, "portal/accessibility.html", {"form": form})
            return ratelimit.too_many(response, exc)
        services.accessibility_feedback_submit(**form.cleaned_data)
        messages.success(
            request,
            _("Thank you. Your feedback has been sent to the city. We answer within six weeks."),
        )
        return redirect("portal:accessibility")
    return render(request, "portal/accessibility.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("portal:profile")
    contributions = selectors.user_contributions(user=request.user)
    return render(request, "portal/profile.html", {"form": form, "contributions": contributions})


@login_required
@require_GET
@never_cache
def profile_export(request):
    data = selectors.user_personal_data(user=request.user)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"meine-daten-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account and its data have been deleted."))
        return redirect("portal:home")
    return render(request, "portal/profile_delete.html", {"form": form})


@require_GET
@never_cache
def healthz(request):
    """Machine-readable state of the database, the broker and the migrations."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "error"

    if celery_app.conf.task_always_eager:
        checks["broker"] = "eager"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:  # any transport error means "not reachable"
            checks["broker"] = "error"

    if checks["database"] == "ok":
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "pending" if plan else "ok"
    else:
        checks["migrations"] = "unknown"

    healthy = checks["database"] == "ok" and checks["migrations"] == "ok"
    healthy = healthy and checks["broker"] in ("ok", "eager")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


# --- Maps ---------------------------------------------------------------------------------------
TILE_BROWSER_SECONDS = 86400  # browsers keep a tile a day; the portal's own cache keeps it longer


@require_GET
def map_tile(request, z: int, x: int, y: int):
    """A background tile of the city, fetched once from MAP_TILE_URL and then served from the
    cache; tiles outside the city's area do not exist here."""
    if not settings.MAP_TILE_URL or not maps.tile_allowed(z=z, x=x, y=y):
        return HttpResponse(status=404)
    try:
        tile = maps.tile_get(z=z, x=x, y=y)
    except maps.UpstreamError:
        response = HttpResponse(status=502)
        response["Cache-Control"] = "no-store"
        return response
    if tile is None:
        return HttpResponse(status=404)
    etag = f'"{tile.etag}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(tile.content, content_type=tile.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={TILE_BROWSER_SECONDS}"
    return response


def _geocoder_guard(request) -> HttpResponse | None:
    """404 without a geocoder; 429 past the client's rate."""
    if not settings.GEOCODER_URL:
        return JsonResponse({"error": _("No address search is configured.")}, status=404)
    rate = ratelimit.rate_parse(settings.GEOCODER_RATE_LIMIT)
    key = f"geocode:ip:{ratelimit.digest(ratelimit.client_ip(request))}"
    try:
        wait = ratelimit.hit(key, rate)
    except Exception:  # the cache is down: answer rather than fail
        wait = 0
    if wait:
        exc = ratelimit.RateLimited(wait)
        return ratelimit.too_many(JsonResponse({"error": exc.message}), exc)
    return None


def _upstream_failed() -> JsonResponse:
    return JsonResponse(
        {"error": _("The address search is not available at the moment.")}, status=502
    )


@require_GET
def map_search(request):
    """``?q=Wittener Straße 1``: places in Castrop-Rauxel, as ``{"results": [...]}``."""
    refused = _geocoder_guard(request)
    if refused:
        return refused
    try:
        places = maps.address_search(text=request.GET.get("q", ""))
    except maps.UpstreamError:
        return _upstream_failed()
    return JsonResponse({"results": [p.as_dict() for p in places]})


@require_GET
def map_address(request):
    """``?lat=51.55&lon=7.31``: the nearest address, as ``{"result": {...} or null}``."""
    refused = _geocoder_guard(request)
    if refused:
        return refused
    try:
        latitude = float(request.GET["lat"])
        longitude = float(request.GET["lon"])
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            raise ValueError
    except (KeyError, ValueError):
        return JsonResponse({"error": _("lat and lon must be numbers.")}, status=400)
    try:
        place = maps.address_at(latitude=latitude, longitude=longitude)
    except ApplicationError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    except maps.UpstreamError:
        return _upstream_failed()
    return JsonResponse({"result": place.as_dict() if place else None})
