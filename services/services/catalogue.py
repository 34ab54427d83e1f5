"""Publishing a service's edited form as an immutable version."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.api import ApplicationError
from portal.audit import audit_record
from portal.models import User
from services.models import Attachment, FieldType, FormVersion, Service
from services.services.attachments import attachments_delete


def _form_schema(service: Service) -> dict:
    steps = []
    for step in service.form_steps.prefetch_related("fields").order_by("order", "pk"):
        fields = []
        for f in step.fields.all():
            fields.append(
                {
                    "key": f.key,
                    "type": f.type,
                    "label": {"de": f.label, "en": f.label_en or f.label},
                    "help": {"de": f.help_text, "en": f.help_text_en or f.help_text},
                    "required": f.required,
                    "choices": _parse_choices(f.choices),
                    "pattern": f.pattern,
                    "pattern_message": f.pattern_message,
                    "min": str(f.min_value) if f.min_value is not None else None,
                    "max": str(f.max_value) if f.max_value is not None else None,
                    "max_length": f.max_length,
                    "file_types": [t.strip() for t in f.allowed_file_types.split(",") if t.strip()],
                    "max_file_mb": f.max_file_mb,
                    "show_if": {"field": f.show_if_field, "value": f.show_if_value}
                    if f.show_if_field
                    else None,
                }
            )
        steps.append(
            {"title": {"de": step.title, "en": step.title_en or step.title}, "fields": fields}
        )
    return {"steps": steps}


def _parse_choices(text: str) -> list[dict]:
    choices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        value = parts[0]
        de = parts[1] if len(parts) > 1 and parts[1] else value
        en = parts[2] if len(parts) > 2 and parts[2] else de
        choices.append({"value": value, "label": {"de": de, "en": en}})
    return choices


def _validate_schema(schema: dict) -> None:
    keys: list[str] = []
    for step in schema["steps"]:
        for field in step["fields"]:
            keys.append(field["key"])
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ApplicationError(
            _("Field keys must be unique in a form: {keys}.").format(
                keys=", ".join(sorted(duplicates))
            )
        )
    for step in schema["steps"]:
        for field in step["fields"]:
            if field["type"] in (FieldType.CHOICE, FieldType.MULTIPLE) and not field["choices"]:
                raise ApplicationError(
                    _("The field “{label}” needs choices.").format(label=field["label"]["de"])
                )
            condition = field["show_if"]
            if condition and condition["field"] not in keys:
                raise ApplicationError(
                    _("The field “{label}” depends on an unknown field “{key}”.").format(
                        label=field["label"]["de"], key=condition["field"]
                    )
                )
    if not keys:
        raise ApplicationError(_("A form needs at least one field."))


@transaction.atomic
def form_publish(*, service: Service, user: User | None) -> FormVersion:
    """Snapshot the edited form as a new immutable version (unless nothing changed).

    A staff member's publication is written to the service's history (the admin change log).
    """
    schema = _form_schema(service)
    _validate_schema(schema)
    service = Service.objects.select_for_update().get(pk=service.pk)
    current = service.form_versions.order_by("-number").first()
    if current is not None and current.schema == schema:
        return current
    version = FormVersion(
        service=service,
        number=(current.number + 1) if current else 1,
        schema=schema,
        published_by=user,
    )
    version.full_clean()
    version.save()
    audit_record(actor=user, obj=service, message=f"Published form version {version.number}.")
    return version


def service_delete_blocker(*, service: Service) -> str | None:
    """Why ``service`` cannot be deleted (cases were filed for it), or None if it can."""
    cases = service.cases.count()
    if not cases:
        return None
    return ngettext(
        "“{service}” cannot be deleted: {n} case was filed for it and keeps its form version. "
        "Take the service offline instead (untick “published”): citizens then no longer see it.",
        "“{service}” cannot be deleted: {n} cases were filed for it and keep their form "
        "versions. Take the service offline instead (untick “published”): citizens then no "
        "longer see it.",
        cases,
    ).format(service=service.name, n=cases)


@transaction.atomic
def service_delete(*, service: Service) -> None:
    """Delete a service nobody filed a case for, with its form versions, steps and drafts."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    blocker = service_delete_blocker(service=service)
    if blocker:
        raise ApplicationError(blocker)
    attachments_delete(attachments=Attachment.objects.filter(draft__service=service))
    service.drafts.all().delete()
    service.form_versions.all().delete()
    service.delete()
