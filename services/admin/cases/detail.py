"""The case page in the admin (read-only data, the forms of the actions) and its files.

Every staff read of a case, attachment or receipt is written to the access log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.files import file_response
from services import selectors, services
from services.admin.cases.actions import (
    AssignForm,
    DefectForm,
    MessageForm,
    NoteForm,
    TransitionForm,
)
from services.models import AccessAction, Attachment, Case

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    # The mixins of ``CaseAdmin`` rely on ``ModelAdmin``, which the admin class combines them with.
    _Base = ModelAdmin[Case]
else:
    _Base = object

# The case page shows these and changes none of them.
CASE_FIELDS = (
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
    "paused_since",
    "paused_working_days",
    "closed_at",
    "form_version",
)


class CaseDetailMixin(_Base):
    """The change view, attachments and the receipt of ``CaseAdmin``."""

    change_form_template = "admin/services/case/change_form.html"
    view_on_site = False  # the citizen's page is the applicant's only
    fields = CASE_FIELDS
    readonly_fields = CASE_FIELDS

    def get_queryset(self, request):
        # ``defect``: the case list shows a defect's own status words and its "reopened" badge.
        return Case.objects.visible_to(request.user).select_related(
            "service", "assigned_to", "department", "form_version", "defect"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # case data is read-only; actions go through the services

    def has_delete_permission(self, request, obj=None):
        return False

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

    def attachment_view(self, request, pk, attachment):
        case = self._case(request, pk)
        item = get_object_or_404(Attachment, pk=attachment, case=case)
        services.access_log(
            user=request.user,
            case=case,
            action=AccessAction.VIEW_ATTACHMENT,
            detail=item.original_name,
        )
        return file_response(item.file, filename=item.original_name)

    def receipt_view(self, request, pk):
        case = self._case(request, pk)
        if not case.receipt:
            raise Http404
        services.access_log(user=request.user, case=case, action=AccessAction.VIEW_RECEIPT)
        return file_response(case.receipt, filename=f"{case.reference}.pdf")
