"""Citizen pages of the Serviceportal: catalogue, filing, "Meine Anträge". Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import ratelimit
from portal.api import ApplicationError
from portal.files import file_response
from portal.i18n import language_current, language_normalise
from portal.tokens import token_hash, token_matches
from services import selectors, services
from services.forms import (
    CatalogueSearchForm,
    MessageForm,
    StartAnonymousForm,
    StepForm,
    SubmitForm,
)
from services.models import DEFECT_SERVICE_SLUG, Attachment, Case, CaseStatus, Draft, Service


def index(request):
    form = CatalogueSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    categories = selectors.catalogue(user=request.user, query=query)
    return render(
        request,
        "services/index.html",
        {"form": form, "query": query, "categories": categories},
    )


def detail(request, slug: str):
    service: Service = get_object_or_404(
        Service.objects.select_related("department", "category"), slug=slug
    )
    if not Service.objects.visible_to(request.user).filter(pk=service.pk).exists():
        # A direct link to a service taken offline: say so, instead of a bare "not found".
        return render(request, "services/offline.html", {"service": service}, status=404)
    if service.slug == DEFECT_SERVICE_SLUG:
        return redirect("services:defect_index")
    return render(
        request,
        "services/detail.html",
        {
            "service": service,
            "form_version": service.current_form,
            "start_form": StartAnonymousForm(),
        },
    )


@require_POST
def start(request, slug: str):
    service = get_object_or_404(Service, slug=slug)
    user = request.user if request.user.is_authenticated else None
    if user is None and not service.accepts_anonymous:
        return redirect_to_login(service.get_absolute_url())
    email = ""
    if user is None:
        form = StartAnonymousForm(request.POST)
        context = {"service": service, "form_version": service.current_form, "start_form": form}
        if not form.is_valid():
            return render(request, "services/detail.html", context)
        email = form.cleaned_data["email"]
        try:  # the draft link is mailed to an address nobody has verified
            ratelimit.limit_check(request, scope="draft_link", email=email)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            return ratelimit.too_many(render(request, "services/detail.html", context), exc)
    try:
        draft, token = services.draft_start(service=service, user=user, email=email)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(service)
    if user is None:
        services.draft_send_link(
            draft=draft, token=token, email=email, language=translation.get_language()
        )
        return redirect("services:draft_step", ref=token, step=1)
    return redirect("services:draft_step", ref=str(draft.pk), step=1)


def _draft(request, ref: str) -> Draft:
    """A draft by its owner's id (signed in) or by the secret token of an anonymous link."""
    queryset = Draft.objects.select_related("service", "form_version")
    if ref.isdigit():
        if not request.user.is_authenticated:
            raise Http404
        return get_object_or_404(queryset, pk=int(ref), user=request.user)
    draft = get_object_or_404(queryset, token_hash=token_hash(ref))
    if draft.user_id is not None and draft.user_id != request.user.pk:
        raise Http404
    return draft


def _step_context(draft: Draft, ref: str, step: int, form: StepForm) -> dict:
    steps = draft.form_version.steps
    lang = language_current()
    return {
        "draft": draft,
        "ref": ref,
        "service": draft.service,
        "form": form,
        "step_number": step,
        "step_count": len(steps),
        "step_title": steps[step - 1]["title"][lang],
        "step_titles": [s["title"][lang] for s in steps],
    }


@require_http_methods(["GET", "POST"])
def draft_step(request, ref: str, step: int):
    draft = _draft(request, ref)
    steps = draft.form_version.steps
    if not 1 <= step <= len(steps) or step > draft.step + 1:
        return redirect("services:draft_step", ref=ref, step=min(draft.step + 1, len(steps)))
    language = translation.get_language()
    stored = set(draft.attachments.values_list("field_key", flat=True))
    form = StepForm(
        request.POST or None,
        request.FILES or None,
        step=steps[step - 1],
        answers=draft.answers,
        language=language,
        stored_files=stored,
    )
    if request.method == "POST" and form.is_valid():
        answers, files = form.answers_and_files()
        try:
            services.draft_save_step(
                draft=draft, step=step - 1, answers=answers, files=files, field_specs=form.specs
            )
        except ApplicationError as exc:
            key = next(iter(files), None)
            form.add_error(key, exc.message)
        else:
            if step < len(steps):
                return redirect("services:draft_step", ref=ref, step=step + 1)
            return redirect("services:draft_review", ref=ref)
    return render(request, "services/draft_step.html", _step_context(draft, ref, step, form))


@require_http_methods(["GET", "POST"])
def draft_review(request, ref: str):
    draft = _draft(request, ref)
    if draft.step < len(draft.form_version.steps):
        return redirect("services:draft_step", ref=ref, step=draft.step + 1)
    language = translation.get_language()
    user = request.user if request.user.is_authenticated else None
    initial = {
        "applicant_name": user.name if user else "",
        "applicant_email": user.email if user else draft.email,
    }
    form = SubmitForm(request.POST or None, initial=initial)
    limited: ratelimit.RateLimited | None = None
    if user is not None:
        form.fields["applicant_email"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            if user is None:  # the confirmation goes to an address nobody has verified
                ratelimit.limit_check(
                    request, scope="case_submit", email=form.cleaned_data["applicant_email"]
                )
            case, token = services.case_submit(
                draft=draft,
                applicant_name=form.cleaned_data["applicant_name"],
                applicant_email=user.email if user else form.cleaned_data["applicant_email"],
                # E-mails go out in the language the citizen chose in their profile.
                language=user.language if user else language,
                consent=form.cleaned_data["consent"],
            )
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            limited = exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
            step = exc.extra.get("step")
            if step:
                return redirect("services:draft_step", ref=ref, step=step)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your request has been received under the reference {reference}."
                ).format(reference=case.reference),
            )
            if user is not None:
                return redirect(case)
            return redirect("services:anonymous_case", reference=case.reference, token=token)
    answers = selectors.answers_for(
        form_version=draft.form_version, answers=draft.answers, language=language
    )
    steps = draft.form_version.steps
    lang = language_normalise(language)
    step_of_key = {f["key"]: i for i, s in enumerate(steps, start=1) for f in s["fields"]}
    for row in answers:
        row["step_number"] = step_of_key[row["key"]]
    response = render(
        request,
        "services/draft_review.html",
        {
            "draft": draft,
            "ref": ref,
            "service": draft.service,
            "answers": answers,
            "attachments": draft.attachments.all(),
            "form": form,
            "step_titles": [s["title"][lang] for s in steps],
        },
    )
    return ratelimit.too_many(response, limited) if limited else response


@login_required
@require_GET
def my_cases(request):
    return render(
        request,
        "services/my_cases.html",
        {
            "cases": selectors.cases_of(user=request.user),
            "drafts": request.user.drafts.select_related("service").order_by("-updated_at"),
        },
    )


def _own_case(request, reference: str) -> Case:
    """The signed-in citizen's own case; anything else is 404 (no hint that it exists)."""
    return get_object_or_404(
        Case.objects.of_applicant(request.user).select_related(
            "service", "department", "form_version"
        ),
        reference=reference,
    )


def _can_withdraw(case: Case) -> bool:
    return CaseStatus.WITHDRAWN in services.APPLICANT_TRANSITIONS.get(case.status, set())


@login_required
@require_GET
def case_detail(request, reference: str):
    case = _own_case(request, reference)
    language = translation.get_language()
    return render(
        request,
        "services/case_detail.html",
        {
            "case": case,
            "answers": selectors.case_answers(case=case, language=language),
            "events": selectors.public_events(case=case),
            "case_messages": case.messages.prefetch_related("attachments").select_related("sender"),
            "attachments": case.attachments.filter(message__isnull=True),
            "message_form": MessageForm(),
            "can_withdraw": _can_withdraw(case),
        },
    )


@login_required
@require_POST
def case_message(request, reference: str):
    case = _own_case(request, reference)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        files = form.cleaned_data["files"]
        try:
            services.message_send(
                case=case, sender=request.user, body=form.cleaned_data["body"], files=files
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your message has been sent to the office."))
    else:
        for error in form.errors.values():
            # ErrorList[i] is the message (a str); the stubs inherit UserList's item type.
            messages.error(request, error[0])  # type: ignore[arg-type]
    return redirect(reverse("services:case_detail", args=[reference]) + "#nachrichten")


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request, reference: str):
    """Withdrawing takes two steps that work without JavaScript: the case page links (GET) to
    this confirmation page; only its form, which carries ``confirm``, withdraws (POST)."""
    case = _own_case(request, reference)
    if not _can_withdraw(case):
        messages.error(
            request,
            _("This request can no longer be withdrawn: it is “{status}”.").format(
                status=case.get_status_display()
            ),
        )
        return redirect(case)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.case_withdraw(case=case, user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your request has been withdrawn."))
        return redirect(case)
    if request.method == "POST":
        messages.error(request, _("Please confirm that you want to withdraw the request."))
    return render(request, "services/case_withdraw.html", {"case": case})


def _receipt_link(request, case: Case, receipt_url: str) -> HttpResponse:
    """The receipt's link once the task has built it: the fragment that the case page polls
    while the receipt is being prepared. 286 tells htmx to stop polling."""
    response = render(
        request,
        "services/includes/receipt_link.html",
        {"case": case, "receipt_url": receipt_url},
    )
    response["Cache-Control"] = "private, no-store"
    if case.receipt:
        response.status_code = 286
    return response


@login_required
@require_GET
def case_receipt_link(request, reference: str):
    case = _own_case(request, reference)
    return _receipt_link(request, case, reverse("services:case_receipt", args=[reference]))


@login_required
@require_GET
def case_receipt(request, reference: str):
    case = _own_case(request, reference)
    if not case.receipt:
        raise Http404
    return file_response(case.receipt, filename=f"{case.reference}.pdf")


@login_required
@require_GET
def case_attachment(request, reference: str, pk: int):
    case = _own_case(request, reference)
    attachment = get_object_or_404(Attachment, pk=pk, case=case)
    return file_response(attachment.file, filename=attachment.original_name)


def _anonymous_case(reference: str, token: str) -> Case:
    case = Case.objects.filter(reference=reference).select_related("service", "department").first()
    if case is None or not token_matches(token, case.access_token_hash):
        raise Http404
    return case


@require_GET
def anonymous_case(request, reference: str, token: str):
    case = _anonymous_case(reference, token)
    return render(
        request,
        "services/anonymous_case.html",
        {"case": case, "token": token, "events": selectors.public_events(case=case)},
    )


@require_GET
def anonymous_receipt_link(request, reference: str, token: str):
    case = _anonymous_case(reference, token)
    url = reverse("services:anonymous_receipt", args=[reference, token])
    return _receipt_link(request, case, url)


@require_GET
def anonymous_receipt(request, reference: str, token: str):
    case = _anonymous_case(reference, token)
    if not case.receipt:
        raise Http404
    return file_response(case.receipt, filename=f"{case.reference}.pdf")
