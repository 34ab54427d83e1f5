"""Surveys: answering, results, the staff export and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participation import rules, selectors, services
from participation.forms import InviteForm, SurveyForm
from participation.models import PhaseKind, Survey
from participation.views.common import page_context
from portal import ratelimit
from portal.api import ApplicationError
from portal.exports import csv_response
from portal.i18n import language_current


def _survey(pk: int) -> Survey:
    return get_object_or_404(
        Survey.objects.select_related("process").prefetch_related("process__phases"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def survey(request, pk: int, token: str = ""):
    item = _survey(pk)
    process = item.process
    now = timezone.now()
    questions = list(item.questions.all())
    form = SurveyForm(request.POST or None, questions=questions)
    answered = request.user.is_authenticated and item.responses.filter(user=request.user).exists()
    allowed = bool(token) or rules.can_answer_survey(request.user, process, now)
    limited: ratelimit.RateLimited | None = None
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            try:
                if token:  # an anonymous answer by an invitation link
                    ratelimit.limit_check(request, scope="survey_token")
                services.survey_respond(
                    survey=item,
                    answers=form.answers(),
                    user=request.user if not token else None,
                    token=token,
                )
            except ratelimit.RateLimited as exc:
                form.add_error(None, exc.message)
                limited = exc
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Thank you for taking part in the survey."))
                return redirect(process)
    context = page_context(request, process)
    context.update(
        {
            "survey": item,
            "form": form,
            "answered": answered,
            "allowed": allowed and not answered,
            "phase": process.phase_of(PhaseKind.SURVEY),
        }
    )
    response = render(request, "participation/survey.html", context)
    return ratelimit.too_many(response, limited) if limited else response


def survey_results(request, pk: int):
    item = _survey(pk)
    if not rules.can_see_results(request.user, item.process, timezone.now()):
        messages.info(request, _("The results are published when the survey phase ends."))
        return redirect(item)
    context = page_context(request, item.process)
    context.update({"survey": item, "results": selectors.survey_results(survey=item)})
    return render(request, "participation/survey_results.html", context)


@login_required
@require_GET
def survey_export(request, pk: int):
    item = _survey(pk)
    if not rules.can_export_results(request.user):
        raise PermissionDenied
    header, rows = selectors.survey_rows(survey=item)
    return csv_response(
        filename=f"umfrage-{item.pk}.csv", header=header, rows=rows, flavour="spreadsheet"
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_invite(request, pk: int):
    """Staff send anonymous answer links (one per address) for a survey with tokens."""
    item = _survey(pk)
    if not rules.can_export_results(request.user) or not item.by_token:
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for email in form.cleaned_data["emails"]:
            services.survey_invite(survey=item, email=email, language=language_current())
        messages.success(
            request,
            _("{n} invitations are being sent.").format(n=len(form.cleaned_data["emails"])),
        )
        return redirect(item)
    return render(request, "participation/survey_invite.html", {"survey": item, "form": form})
