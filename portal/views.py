"""Pages of the site shell: home, legal pages, profile, health check."""

import json

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

from portal import ratelimit, selectors, services
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
