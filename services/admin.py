"""The staff back office of the Serviceportal in the Django admin.

Case data is read-only here; every change goes through one service function (status, assignment,
note, message, and the Mängelmelder's re-routing, duplicates and photo release), called from small
forms on the case page. Every staff read of a case, attachment or receipt is written to the
access log.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.api import ApplicationError
from portal.models import Department, User
from services import defects, open311, selectors, services
from services.models import (
    AccessAction,
    AccessLog,
    Attachment,
    Case,
    CaseStatus,
    DefectReport,
    DefectRoute,
    FormField,
    FormStep,
    FormVersion,
    Open311Key,
    Service,
    ServiceCategory,
)

# --- Catalogue and forms -------------------------------------------------------------------------


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}


class FormStepInline(admin.StackedInline):
    model = FormStep
    fields = ["order", "title", "title_en"]
    extra = 0
    show_change_link = True


class FormVersionInline(admin.TabularInline):
    model = FormVersion
    fields = ["number", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("Published form versions (filed cases keep theirs)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "department", "login_level", "is_online", "form_version"]
    list_filter = ["category", "department", "login_level", "is_online"]
    search_fields = ["name", "summary", "search_terms", "leika_key"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FormStepInline, FormVersionInline]
    actions = ["publish_forms"]

    @admin.display(description=_("form version"))
    def form_version(self, obj):
        version = obj.current_form
        return version.number if version else "–"

    @admin.action(description=_("Publish the edited form as a new version"))
    def publish_forms(self, request, queryset):
        for service in queryset:
            try:
                version = services.form_publish(service=service, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{service}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("{service}: form version {n} is published.").format(
                        service=service, n=version.number
                    ),
                    messages.SUCCESS,
                )


class FormFieldInline(admin.StackedInline):
    model = FormField
    extra = 0
    fieldsets = [
        (None, {"fields": [("order", "key", "type", "required"), ("label", "label_en")]}),
        (
            _("Help and validation"),
            {
                "fields": [
                    ("help_text", "help_text_en"),
                    "choices",
                    ("pattern", "pattern_message"),
                    ("min_value", "max_value", "max_length"),
                    ("allowed_file_types", "max_file_mb"),
                    ("show_if_field", "show_if_value"),
                ]
            },
        ),
    ]


@admin.register(FormStep)
class FormStepAdmin(admin.ModelAdmin):
    list_display = ["service", "order", "title"]
    list_filter = ["service"]
    inlines = [FormFieldInline]


# --- Cases ------------------------------------------------------------------------------------


class AssignedToMeFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", _("Assigned to me")), ("none", _("Not assigned"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note for the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection; shown to the applicant."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        targets = sorted(services.STAFF_TRANSITIONS.get(case.status, set()))
        self.fields["to_status"].choices = [(t, CaseStatus(t).label) for t in targets]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False, empty_label=_("nobody")
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            is_staff=True, departments=case.department_id, is_active=True
        ).order_by("name", "email")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 4})
    )
    requests_documents = forms.BooleanField(label=_("Ask for missing documents"), required=False)
    file = forms.FileField(label=_("Attachment"), required=False)


class DefectForm(forms.Form):
    public_note = forms.CharField(label=_("Public status note"), max_length=500, required=False)
    department = forms.ModelChoiceField(
        label=_("Re-route to"), queryset=Department.objects.all(), required=False
    )
    duplicate_of = forms.CharField(
        label=_("Duplicate of (reference)"), max_length=20, required=False
    )


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "service",
        "applicant_name",
        "status",
        "assigned_to",
        "submitted_at",
        "deadline",
    ]
    # Services and departments only as far as the user has cases of them.
    list_filter = [
        "status",
        ("service", admin.RelatedOnlyFieldListFilter),
        AssignedToMeFilter,
        OverdueFilter,
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["reference", "applicant_name"]
    list_select_related = ["service", "assigned_to"]
    # 50 rows are a case worker's screenful; rendering the admin's rows is the list's main cost
    # (bench/services), and the total of all visible cases needs no second COUNT.
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = "submitted_at"
    change_form_template = "admin/services/case/change_form.html"
    view_on_site = False  # the citizen's page is the applicant's only
    change_list_template = "admin/services/case/change_list.html"
    fields = [
        "reference",
        "service",
        "department",
        "status",
        "applicant_name",
        "applicant_email",
        "language",
        "assigned_to",
        "submitted_at",
        "due_date",
        "closed_at",
        "form_version",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return Case.objects.visible_to(request.user).select_related(
            "service", "assigned_to", "department", "form_version"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # case data is read-only; actions below go through the services

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("deadline"), ordering="due_date")
    def deadline(self, obj):
        label = obj.due_date.strftime("%d.%m.%Y")
        if obj.is_overdue:
            return gettext("{date} – overdue").format(date=label)
        return label

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("statistik/", wrap(self.statistics_view), name="services_case_statistics"),
            path("export.csv", wrap(self.export_view), name="services_case_export"),
            path(
                "<int:pk>/aktion/<str:action>/", wrap(self.action_view), name="services_case_action"
            ),
            path(
                "<int:pk>/datei/<int:attachment>/",
                wrap(self.attachment_view),
                name="services_case_attachment",
            ),
            path("<int:pk>/quittung/", wrap(self.receipt_view), name="services_case_receipt"),
            path(
                "<int:pk>/freigeben/<int:attachment>/",
                wrap(self.release_view),
                name="services_case_release",
            ),
            *super().get_urls(),
        ]

    def _case(self, request, pk) -> Case:
        case = self.get_queryset(request).filter(pk=pk).first()
        if case is None:
            raise Http404
        return case

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self._case(request, object_id)
        services.access_log(user=request.user, case=case, action=AccessAction.VIEW_CASE)
        report = getattr(case, "defect", None)
        context = {
            "case": case,
            "answers": selectors.case_answers(case=case, language="de"),
            "events": case.events.select_related("actor"),
            "case_messages": case.messages.select_related("sender").prefetch_related("attachments"),
            "attachments": case.attachments.filter(message__isnull=True),
            "transition_form": TransitionForm(case=case),
            "assign_form": AssignForm(case=case, initial={"assignee": case.assigned_to_id}),
            "note_form": NoteForm(),
            "message_form": MessageForm(),
            "report": report,
            "defect_form": DefectForm(initial={"public_note": report.public_note})
            if report
            else None,
        }
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def action_view(self, request, pk, action):
        if request.method != "POST":
            raise Http404
        case = self._case(request, pk)
        user = request.user
        try:
            if action == "status":
                form = TransitionForm(request.POST, case=case)
                if form.is_valid():
                    services.case_transition(
                        case=case,
                        actor=user,
                        to_status=form.cleaned_data["to_status"],
                        note=form.cleaned_data["note"],
                    )
            elif action == "assign":
                form = AssignForm(request.POST, case=case)
                if form.is_valid():
                    services.case_assign(
                        case=case, actor=user, assignee=form.cleaned_data["assignee"]
                    )
            elif action == "note":
                form = NoteForm(request.POST)
                if form.is_valid():
                    services.case_add_note(case=case, actor=user, note=form.cleaned_data["note"])
            elif action == "message":
                form = MessageForm(request.POST, request.FILES)
                if form.is_valid():
                    files = [form.cleaned_data["file"]] if form.cleaned_data["file"] else []
                    services.message_send(
                        case=case,
                        sender=user,
                        body=form.cleaned_data["body"],
                        files=files,
                        requests_documents=form.cleaned_data["requests_documents"],
                    )
            elif action == "defect" and hasattr(case, "defect"):
                form = DefectForm(request.POST)
                if form.is_valid():
                    self._defect_action(request, case.defect, form.cleaned_data)
            else:
                raise Http404
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            if form is not None and not form.is_valid():
                for errors in form.errors.values():
                    self.message_user(request, errors[0], messages.ERROR)
            else:
                self.message_user(request, gettext("Saved."), messages.SUCCESS)
        if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
            return redirect("admin:services_case_changelist")  # re-routed elsewhere
        return redirect("admin:services_case_change", case.pk)

    def release_view(self, request, pk, attachment):
        """Release a photo of a defect report for the public page."""
        if request.method != "POST":
            raise Http404
        case = self._case(request, pk)
        photo = get_object_or_404(Attachment, pk=attachment, case=case, case__defect__isnull=False)
        defects.photo_release(attachment=photo, actor=request.user)
        self.message_user(
            request, gettext("The photo is released for the public."), messages.SUCCESS
        )
        return redirect("admin:services_case_change", case.pk)

    def _defect_action(self, request, report: DefectReport, data: dict) -> None:
        if data["public_note"] != report.public_note:
            DefectReport.objects.filter(pk=report.pk).update(public_note=data["public_note"])
        if data["duplicate_of"]:
            original = DefectReport.objects.filter(
                case__reference=data["duplicate_of"].strip()
            ).first()
            if original is None:
                raise ApplicationError(gettext("There is no defect report with this reference."))
            defects.report_mark_duplicate(report=report, original=original, actor=request.user)
        if data["department"] and data["department"].pk != report.case.department_id:
            defects.report_reroute(report=report, department=data["department"], actor=request.user)

    def attachment_view(self, request, pk, attachment):
        case = self._case(request, pk)
        item = get_object_or_404(Attachment, pk=attachment, case=case)
        services.access_log(
            user=request.user,
            case=case,
            action=AccessAction.VIEW_ATTACHMENT,
            detail=item.original_name,
        )
        return FileResponse(
            item.file.open("rb"),
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type,
        )

    def receipt_view(self, request, pk):
        case = self._case(request, pk)
        if not case.receipt:
            raise Http404
        services.access_log(user=request.user, case=case, action=AccessAction.VIEW_RECEIPT)
        return FileResponse(
            case.receipt.open("rb"),
            as_attachment=True,
            filename=f"{case.reference}.pdf",
            content_type="application/pdf",
        )

    def export_view(self, request):
        """The changelist as filtered on screen, as CSV (semicolon-separated, for spreadsheets)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        cases = self.get_changelist_instance(request).get_queryset(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="antraege.csv"'
        response.write("\ufeff")  # spreadsheet programs then read UTF-8
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                gettext("reference"),
                gettext("service"),
                gettext("applicant"),
                gettext("status"),
                gettext("submitted"),
                gettext("deadline"),
                gettext("closed"),
                gettext("assigned to"),
            ]
        )
        count = 0
        for case in cases:
            count += 1
            writer.writerow(
                [
                    case.reference,
                    case.service.name,
                    case.applicant_name,
                    case.get_status_display(),
                    timezone.localtime(case.submitted_at).strftime("%d.%m.%Y %H:%M"),
                    case.due_date.strftime("%d.%m.%Y"),
                    timezone.localtime(case.closed_at).strftime("%d.%m.%Y %H:%M")
                    if case.closed_at
                    else "",
                    str(case.assigned_to or ""),
                ]
            )
        AccessLog.objects.create(
            user=request.user,
            action=AccessAction.EXPORT,
            detail=f"{count} / {request.GET.urlencode()}"[:200],
        )
        return response

    def statistics_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Statistics of the cases"),
            "opts": self.model._meta,
            "statuses": CaseStatus.labels,
            **selectors.case_statistics(user=request.user),
        }
        return TemplateResponse(request, "admin/services/case/statistics.html", context)


# --- Audit, routing, keys --------------------------------------------------------------------


def _is_administrator(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.groups.filter(name="administrator").exists()
    )


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who read which personal data when. Visible to administrators only, never editable."""

    list_display = ["at", "user", "action", "reference", "detail"]
    list_filter = ["action"]
    search_fields = ["reference", "user__email"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return _is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DefectRoute)
class DefectRouteAdmin(admin.ModelAdmin):
    list_display = ["category", "department"]


class Open311KeyForm(forms.ModelForm):
    class Meta:
        model = Open311Key
        fields = ["name"]


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    """Issue keys (shown once) and revoke them; only the hash is stored."""

    list_display = ["name", "prefix", "created_at", "revoked_at"]
    form = Open311KeyForm
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["prefix", "created_at", "revoked_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        key, raw = open311.key_create(name=form.cleaned_data["name"])
        obj.pk = key.pk
        self.message_user(
            request,
            gettext("The new key is {key} – copy it now, it is not shown again.").format(key=raw),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(reverse("admin:services_open311key_changelist"))
