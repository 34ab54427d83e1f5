"""The case list in the admin: columns, filters, the CSV export and the statistics page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.exports import csv_response
from services import selectors, services
from services.models import OPEN_STATUSES, AccessAction, Case, CaseStatus

if TYPE_CHECKING:
    # The mixins of ``CaseAdmin`` rely on ``ModelAdmin``, which the admin class combines them with.
    _Base = admin.ModelAdmin[Case]
else:
    _Base = object


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


class ReopenedFilter(admin.SimpleListFilter):
    title = _("defect reports")
    parameter_name = "reopened"

    def lookups(self, request, model_admin):
        return [("yes", _("Reopened (not fixed)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                defect__reopen_requested_at__isnull=False, status__in=OPEN_STATUSES
            )
        return queryset


class CaseListMixin(_Base):
    """Columns, filters, export and statistics of ``CaseAdmin``."""

    list_display = [
        "reference",
        "service",
        "applicant_name",
        "status_column",
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
        ReopenedFilter,
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["reference", "applicant_name"]
    list_select_related = ["service", "assigned_to"]
    # 50 rows are a case worker's screenful; rendering the admin's rows is the list's main cost
    # (bench/services), and the total of all visible cases needs no second COUNT.
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = "submitted_at"
    change_list_template = "admin/services/case/change_list.html"

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj):
        report = getattr(obj, "defect", None)
        if report is None:
            return obj.get_status_display()
        if report.reopened:
            return format_html(
                '{} <span class="badge badge--reopened">{}</span>',
                report.status_label,
                gettext("reopened"),
            )
        return report.status_label

    @admin.display(description=_("deadline"), ordering="due_date")
    def deadline(self, obj):
        label = obj.due_date.strftime("%d.%m.%Y")
        if obj.is_overdue:
            return gettext("{date} – overdue").format(date=label)
        if obj.is_paused:
            return gettext("{date} – paused while waiting for the applicant").format(date=label)
        return label

    def export_view(self, request):
        """The changelist as filtered on screen, as CSV (for spreadsheets), streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        cases = self.get_changelist_instance(request).get_queryset(request)
        services.access_log(
            user=request.user,
            action=AccessAction.EXPORT,
            detail=f"{cases.count()} / {request.GET.urlencode()}",
        )
        rows = (
            [
                case.reference,
                case.service.name,
                case.applicant_name,
                case.get_status_display(),
                case.submitted_at,
                case.due_date,
                case.closed_at,
                str(case.assigned_to or ""),
            ]
            for case in cases.iterator(chunk_size=500)
        )
        return csv_response(
            filename="antraege.csv",
            header=[
                gettext("reference"),
                gettext("service"),
                gettext("applicant"),
                gettext("status"),
                gettext("submitted"),
                gettext("deadline"),
                gettext("closed"),
                gettext("assigned to"),
            ],
            rows=rows,
            flavour="spreadsheet",
        )

    def statistics_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Statistics of the cases"),
            "opts": self.model._meta,
            "statuses": CaseStatus.labels,
            **selectors.case_statistics(user=request.user),
        }
        return TemplateResponse(request, "admin/services/case/statistics.html", context)
