"""What the Open311 API offers and shows: services, their attributes, the visible requests."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import timezone

from services.models import (
    DEFECT_SERVICE_SLUG,
    Attachment,
    Case,
    DefectCategory,
    FieldType,
    LoginLevel,
    Service,
)
from services.open311.rendering import DEFECT_PREFIX

DATATYPES = {
    FieldType.TEXT: "string",
    FieldType.EMAIL: "string",
    FieldType.PHONE: "string",
    FieldType.TEXTAREA: "text",
    FieldType.NUMBER: "number",
    FieldType.DATE: "datetime",
    FieldType.CHOICE: "singlevaluelist",
    FieldType.MULTIPLE: "multivaluelist",
    FieldType.CHECKBOX: "singlevaluelist",
}


def api_services():
    return (
        Service.objects.filter(
            login_level=LoginLevel.ANONYMOUS,
            is_online=True,
            is_published=True,
            form_versions__isnull=False,
        )
        .exclude(slug=DEFECT_SERVICE_SLUG)
        .distinct()
    )


def defect_service_entries() -> list[dict]:
    return [
        {
            "service_code": f"{DEFECT_PREFIX}{value}",
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": "Mängelmelder",
            "group": "Mängelmelder",
        }
        for value, label in DefectCategory.choices
    ]


def service_entry(service: Service) -> dict:
    return {
        "service_code": service.slug,
        "service_name": service.name,
        "description": service.summary,
        "metadata": True,
        "type": "batch",
        "keywords": service.search_terms,
        "group": service.category.name,
    }


def attributes(service: Service) -> list[dict]:
    """Attribute definitions from the service's current form (files cannot be sent)."""
    form_version = service.current_form
    if form_version is None:  # api_services() has only services with a form
        raise ValueError(f"service {service.slug} has no published form")
    attributes, order = [], 0
    for step in form_version.steps:
        for spec in step["fields"]:
            if spec["type"] == FieldType.FILE:
                continue
            parts = (
                [
                    (f"{spec['key']}__{p}", f"{spec['label']['de']} ({p})")
                    for p in ("street", "postcode", "city")
                ]
                if spec["type"] == FieldType.ADDRESS
                else [(spec["key"], spec["label"]["de"])]
            )
            for code, description in parts:
                order += 1
                entry = {
                    "variable": True,
                    "code": code,
                    "datatype": DATATYPES.get(spec["type"], "string"),
                    "required": spec["required"] and not spec.get("show_if"),
                    "datatype_description": spec["help"]["de"] or None,
                    "order": order,
                    "description": description,
                }
                if spec["type"] in (FieldType.CHOICE, FieldType.MULTIPLE):
                    entry["values"] = [
                        {"key": c["value"], "name": c["label"]["de"]} for c in spec["choices"]
                    ]
                elif spec["type"] == FieldType.CHECKBOX:
                    entry["values"] = [
                        {"key": "true", "name": "Ja"},
                        {"key": "false", "name": "Nein"},
                    ]
                attributes.append(entry)
    return attributes


def today():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def visible_requests():
    """Requests the API shows: defect reports (public: their address is confirmed) and cases
    of anonymous services."""
    return (
        Case.objects.filter(anonymised_at__isnull=True)
        .filter(Q(defect__isnull=True) | Q(defect__published_at__isnull=False))
        .exclude(status="withdrawn")
        .filter(service__login_level=LoginLevel.ANONYMOUS)
        .select_related("service", "department", "defect")
        .prefetch_related(
            "events",
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(released_at__isnull=False, message__isnull=True),
                to_attr="released_photos",
            ),
        )
    )
