"""Forms of the Serviceportal. A step form is built from the form version's schema."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from portal.i18n import language_normalise
from portal.text import CleanCharField
from services.models import FieldType
from services.selectors import field_is_visible

PHONE = RegexValidator(
    r"^\+?[0-9 ()/-]{6,30}$", _("Please enter a phone number, e.g. 02305 106-0.")
)
POSTCODE = RegexValidator(r"^[0-9]{5}$", _("A postcode has five digits."))
ADDRESS_PARTS = ("street", "postcode", "city")


class StepForm(forms.Form):
    """One step of an application. ``schema_fields`` are the step's field definitions."""

    def __init__(
        self,
        data=None,
        files=None,
        *,
        step: dict,
        answers: dict,
        language: str,
        stored_files: set[str],
        **kw,
    ):
        self.step = step
        self.answers = answers
        self.lang = language_normalise(language)
        self.stored_files = stored_files
        initial = self._initial(step, answers)
        super().__init__(data, files, initial=initial, **kw)
        self.specs: dict[str, dict] = {}
        step_keys = {f["key"] for f in step["fields"]}
        for spec in step["fields"]:
            condition = spec.get("show_if")
            same_step = condition and condition["field"] in step_keys
            if condition and not same_step and not field_is_visible(spec, answers):
                continue  # decided by an earlier step: not asked at all
            self.specs[spec["key"]] = spec
            for name, field in self._build(spec, conditional=bool(same_step)):
                self.fields[name] = field

    @staticmethod
    def _initial(step: dict, answers: dict) -> dict:
        initial = {}
        for spec in step["fields"]:
            value = answers.get(spec["key"])
            if value is None or spec["type"] == FieldType.FILE:
                continue
            if spec["type"] == FieldType.ADDRESS and isinstance(value, dict):
                for part in ADDRESS_PARTS:
                    initial[f"{spec['key']}__{part}"] = value.get(part, "")
            else:
                initial[spec["key"]] = value
        return initial

    def _build(self, spec: dict, *, conditional: bool):
        lang = self.lang
        label = spec["label"][lang]
        help_text = spec["help"][lang]
        required = spec["required"] and not conditional  # conditional ones are checked in clean()
        kind = spec["type"]
        if conditional:
            condition = spec["show_if"]
            other = next(f for f in self.step["fields"] if f["key"] == condition["field"])
            shown_value = next(
                (c["label"][lang] for c in other["choices"] if c["value"] == condition["value"]),
                condition["value"],
            )
            note = _("Only if “{field}” is “{value}”.").format(
                field=other["label"][lang], value=shown_value
            )
            help_text = f"{note} {help_text}".strip()
        common = {"label": label, "help_text": help_text, "required": required}
        if kind == FieldType.ADDRESS:
            yield (
                f"{spec['key']}__street",
                CleanCharField(
                    label=_("{label}: street and number").format(label=label),
                    max_length=150,
                    required=required,
                    help_text=help_text,
                    widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
                ),
            )
            yield (
                f"{spec['key']}__postcode",
                CleanCharField(
                    label=_("{label}: postcode").format(label=label),
                    max_length=5,
                    required=required,
                    validators=[POSTCODE],
                    widget=forms.TextInput(
                        attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
                    ),
                ),
            )
            yield (
                f"{spec['key']}__city",
                CleanCharField(
                    label=_("{label}: town").format(label=label),
                    max_length=100,
                    required=required,
                    widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
                ),
            )
            return
        validators = []
        field: forms.Field
        if spec.get("pattern"):
            validators.append(
                RegexValidator(
                    spec["pattern"],
                    spec.get("pattern_message") or _("The answer has the wrong format."),
                )
            )
        if kind == FieldType.TEXT:
            field = CleanCharField(
                max_length=spec.get("max_length") or 300, validators=validators, **common
            )
        elif kind == FieldType.TEXTAREA:
            field = CleanCharField(
                max_length=spec.get("max_length") or 5000,
                validators=validators,
                widget=forms.Textarea(attrs={"rows": 5}),
                **common,
            )
        elif kind == FieldType.NUMBER:
            field = forms.DecimalField(
                min_value=Decimal(spec["min"]) if spec.get("min") else None,
                max_value=Decimal(spec["max"]) if spec.get("max") else None,
                decimal_places=2,
                **common,
            )
        elif kind == FieldType.DATE:
            field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        elif kind == FieldType.EMAIL:
            field = forms.EmailField(
                widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common
            )
        elif kind == FieldType.PHONE:
            field = forms.CharField(
                max_length=30,
                validators=[PHONE],
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                **common,
            )
        elif kind == FieldType.CHOICE:
            choices = [(c["value"], c["label"][lang]) for c in spec["choices"]]
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        elif kind == FieldType.MULTIPLE:
            choices = [(c["value"], c["label"][lang]) for c in spec["choices"]]
            field = forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        elif kind == FieldType.CHECKBOX:
            field = forms.BooleanField(**common)
        elif kind == FieldType.FILE:
            types = spec.get("file_types") or ["pdf", "jpeg", "png"]
            accept = ",".join(
                {"pdf": ".pdf", "jpeg": ".jpg,.jpeg", "png": ".png"}[t] for t in types
            )
            stored = spec["key"] in self.stored_files
            hint = _("{types}, at most {mb} MB.").format(
                types=", ".join(t.upper() for t in types), mb=spec.get("max_file_mb") or 10
            )
            if stored:
                hint = _(
                    "{hint} A file is already attached; choose a new one to replace it."
                ).format(hint=hint)
            common["help_text"] = f"{help_text} {hint}".strip()
            common["required"] = required and not stored
            field = forms.FileField(widget=forms.FileInput(attrs={"accept": accept}), **common)
        else:  # pragma: no cover - the schema only holds the types above
            raise ValueError(kind)
        if spec.get("show_if"):
            # Hints for templates/django/forms/field.html, on top of the attributes Django
            # declares for a field.
            vars(field).update(
                show_if=spec["show_if"], conditionally_required=conditional and spec["required"]
            )
        yield spec["key"], field

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for key, spec in self.specs.items():
            condition = spec.get("show_if")
            if not condition or condition["field"] not in self.specs:
                continue
            visible = field_is_visible(spec, {**self.answers, **cleaned})
            names = (
                [f"{key}__{p}" for p in ADDRESS_PARTS]
                if spec["type"] == FieldType.ADDRESS
                else [key]
            )
            if not visible:
                for name in names:
                    cleaned.pop(name, None)
                    self.errors.pop(name, None)
                continue
            stored = spec["type"] == FieldType.FILE and key in self.stored_files
            if spec["required"] and not stored:
                for name in names:
                    if cleaned.get(name) in (None, "", [], False):
                        self.add_error(name, forms.Field.default_error_messages["required"])
        return cleaned

    def answers_and_files(self) -> tuple[dict, dict]:
        """The step's answers as JSON-ready values, and its uploaded files by field key."""
        answers, files = {}, {}
        for key, spec in self.specs.items():
            kind = spec["type"]
            if kind == FieldType.ADDRESS:
                parts = {p: self.cleaned_data.get(f"{key}__{p}", "") for p in ADDRESS_PARTS}
                answers[key] = parts if any(parts.values()) else None
            elif kind == FieldType.FILE:
                if key not in self.cleaned_data:
                    answers[key] = None  # hidden by its condition: a stored file is dropped
                elif self.cleaned_data[key]:
                    files[key] = self.cleaned_data[key]
            elif key in self.cleaned_data:
                value = self.cleaned_data[key]
                if kind == FieldType.DATE and value:
                    value = value.isoformat()
                elif kind == FieldType.NUMBER and value is not None:
                    value = str(value)
                answers[key] = value
            else:
                answers[key] = None  # hidden by its condition: no answer is kept
        return answers, files


class StartAnonymousForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to continue later, and your receipt."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SubmitForm(forms.Form):
    applicant_name = CleanCharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_email = forms.EmailField(
        label=_("Your e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the city processes my data to handle this request, as described in the "
            "privacy notice."
        ),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (the content is checked by the service,
    through portal.uploads, file by file)."""

    accept = ".pdf,.jpg,.jpeg,.png"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": self.accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class MultiplePhotoField(MultipleFileField):
    accept = ".jpg,.jpeg,.png"


class MessageForm(forms.Form):
    body = CleanCharField(
        label=_("Your message"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The metaclass moves declared fields into ``base_fields``, so this does not replace
    # ``BaseForm.files`` (the uploads), which the stubs take it for.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attach documents (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB each."),
    )


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Search services"), required=False, max_length=100)


class DefectReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the problem?"), widget=forms.RadioSelect)
    latitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    address = CleanCharField(
        label=_("Where is it?"),
        max_length=200,
        required=False,
        help_text=_(
            "Street and house number, or a description of the place. You can also choose the "
            "place on the map."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = CleanCharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to five JPEG or PNG photos, at most 10 MB each. Photos are published only after "
            "the city has checked them."
        ),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We inform you when the status changes. It is never published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = CleanCharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        from services.models import DefectCategory

        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        if not isinstance(category, forms.ChoiceField):
            raise TypeError("category must be a ChoiceField")
        category.choices = DefectCategory.choices
        if user is not None and user.is_authenticated:
            del self.fields["email"]
            del self.fields["name"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("latitude") is None and not cleaned.get("address", "").strip():
            raise forms.ValidationError(
                _("Please mark the place on the map or describe where it is.")
            )
        if len(cleaned.get("photos") or []) > 5:
            self.add_error("photos", _("Please attach at most {n} photos.").format(n=5))
        return cleaned


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
