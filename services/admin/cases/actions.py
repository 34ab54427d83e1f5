"""The staff actions on a case page: status, assignment, note, message, and the Mängelmelder's
public note, duplicates, re-routing and photo release. Each calls one service, which writes the
case's history (a CaseEvent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.api import ApplicationError
from portal.models import Department, User
from portal.text import CleanCharField
from services import defects, services
from services.models import Attachment, Case, CaseStatus, DefectReport, defect_status_label

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.http import HttpRequest

    # The mixins of ``CaseAdmin`` rely on ``ModelAdmin``, which the admin class combines them with.
    _Base = ModelAdmin[Case]
else:
    _Base = object


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    note = CleanCharField(
        label=_("Note for the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection; shown to the applicant."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        targets = sorted(services.STAFF_TRANSITIONS.get(case.status, set()))
        field = self.fields["to_status"]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError("to_status must be a ChoiceField")
        if hasattr(case, "defect"):  # a defect report: its own words, and the note is public
            field.choices = [(t, defect_status_label(t)) for t in targets]
            self.fields["note"].label = _("Note for the reporter and the public page")
            self.fields["note"].help_text = _(
                "On closing, this note replaces the public note of the city (empty: none)."
            )
        else:
            field.choices = [(t, CaseStatus(t).label) for t in targets]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False, empty_label=_("nobody")
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("assignee must be a ModelChoiceField")
        field.queryset = User.objects.filter(
            is_staff=True, departments=case.department_id, is_active=True
        ).order_by("name", "email")


class NoteForm(forms.Form):
    note = CleanCharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(forms.Form):
    body = CleanCharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 4})
    )
    requests_documents = forms.BooleanField(label=_("Ask for missing documents"), required=False)
    file = forms.FileField(label=_("Attachment"), required=False)


class DefectForm(forms.Form):
    public_note = CleanCharField(label=_("Public status note"), max_length=500, required=False)
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Re-route to"), queryset=Department.objects.all(), required=False
    )
    duplicate_of = forms.CharField(
        label=_("Duplicate of (reference)"), max_length=20, required=False
    )


class CaseActionsMixin(_Base):
    """The POST endpoints of the case page of ``CaseAdmin``."""

    if TYPE_CHECKING:

        def _case(self, request: HttpRequest, pk: int) -> Case:
            """The visible case or 404, from ``CaseDetailMixin``."""

    def action_view(self, request, pk, action):
        if request.method != "POST":
            raise Http404
        case = self._case(request, pk)
        user = request.user
        form: forms.Form
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
                    # ErrorList[i] is the message (a str); the stubs inherit UserList's item type.
                    self.message_user(request, errors[0], messages.ERROR)  # type: ignore[arg-type]
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

    def _defect_action(self, request, report: DefectReport, data: dict[str, Any]) -> None:
        defects.report_public_note_set(report=report, note=data["public_note"], actor=request.user)
        if data["duplicate_of"]:
            original = defects.report_by_reference(reference=data["duplicate_of"])
            if original is None:
                raise ApplicationError(gettext("There is no defect report with this reference."))
            defects.report_mark_duplicate(report=report, original=original, actor=request.user)
        if data["department"] and data["department"].pk != report.case.department_id:
            defects.report_reroute(report=report, department=data["department"], actor=request.user)
