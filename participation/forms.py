"""Forms of the Beteiligungsplattform. They parse input; the rules live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participation.models import FieldOfAction, Question, QuestionKind


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 3,000 characters. Comments are public, your name is shown."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown instead of the comment"),
        max_length=300,
        help_text=_("For example: “Hidden because it contains personal data.”"),
    )


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with it?"), max_length=300, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the concept"), max_length=200, required=False)


class FieldOfActionChoiceField(forms.ModelChoiceField):
    """Shows each field of action by its label in the active language."""

    def label_from_instance(self, obj: FieldOfAction) -> str:
        return obj.label


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What should be done, and how would it help the city?"),
    )
    field_of_action = FieldOfActionChoiceField(
        label=_("Field of action"),
        queryset=FieldOfAction.objects.order_by("order"),
        empty_label=_("Please choose"),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        decimal_places=6,
        help_text=_("Optional place in Castrop-Rauxel, e.g. 51.5523"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        decimal_places=6,
        help_text=_("e.g. 7.3116"),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG or PNG, at most 5 MB. Location data in the file is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Please give both latitude and longitude, or neither."))
        return data


class SurveyForm(forms.Form):
    """One field per question, named ``q<pk>``."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            label, required = q.text, q.required
            choices = q.choice_labels
            field: forms.Field
            if q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(
                    choices=choices, widget=forms.RadioSelect, label=label, required=required
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    label=label,
                    required=required,
                )
            elif q.kind == QuestionKind.SCALE:
                scale = [(str(n), str(n)) for n in range(1, 6)]
                field = forms.ChoiceField(
                    choices=scale,
                    widget=forms.RadioSelect,
                    help_text=_("1 = not at all, 5 = very much"),
                    label=label,
                    required=required,
                )
            else:
                field = forms.CharField(
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    label=label,
                    required=required,
                )
            self.fields[f"q{q.pk}"] = field

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line. The addresses are not stored; each gets its own link."),
    )

    def clean_emails(self) -> list[str]:
        from django.core.validators import validate_email

        emails = [line.strip() for line in self.cleaned_data["emails"].splitlines() if line.strip()]
        wrong = []
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                wrong.append(email)
        if wrong:
            raise forms.ValidationError(
                _("Not an e-mail address: {wrong}").format(wrong=", ".join(wrong))
            )
        if len(emails) > 500:
            raise forms.ValidationError(_("At most 500 addresses at a time."))
        return emails
