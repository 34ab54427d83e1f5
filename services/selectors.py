"""Reads of the Serviceportal that pages, e-mails, PDFs and the API share."""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, F, Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.i18n import language_normalise
from services.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    DefectReport,
    FieldType,
    Service,
    ServiceCategory,
)


def field_is_visible(field: dict, answers: dict) -> bool:
    """A field with a condition is shown (and asked) only if the other field has the value."""
    condition = field.get("show_if")
    if not condition:
        return True
    value = answers.get(condition["field"])
    if isinstance(value, list):
        return condition["value"] in value
    if isinstance(value, bool):
        return condition["value"].lower() in (
            ("true", "ja", "yes", "1") if value else ("false", "nein", "no", "0")
        )
    return str(value) == condition["value"]


def display_value(field: dict, value, language: str) -> str:
    lang = language_normalise(language)
    if value in (None, "", [], {}):
        return "–"
    kind = field["type"]
    labels = {c["value"]: c["label"][lang] for c in field.get("choices", [])}
    if kind == FieldType.CHOICE:
        return labels.get(value, str(value))
    if kind == FieldType.MULTIPLE:
        return ", ".join(labels.get(v, str(v)) for v in value)
    if kind == FieldType.CHECKBOX:
        return _("Yes") if value else _("No")
    if kind == FieldType.ADDRESS:
        return "{street}, {postcode} {city}".format(**value)
    if kind == FieldType.DATE:
        from datetime import date

        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return str(value)


def case_answers(*, case: Case, language: str) -> list[dict]:
    """The answers as filed, in the form's order, labelled in the given language."""
    return answers_for(form_version=case.form_version, answers=case.answers, language=language)


def answers_for(*, form_version, answers: dict, language: str) -> list[dict]:
    lang = language_normalise(language)
    rows = []
    for step in form_version.steps:
        for field in step["fields"]:
            if not field_is_visible(field, answers):
                continue
            rows.append(
                {
                    "key": field["key"],
                    "step": step["title"][lang],
                    "label": field["label"][lang],
                    "value": display_value(field, answers.get(field["key"]), language),
                }
            )
    return rows


def missing_answers(*, form_version, answers: dict, files: set[str], language: str) -> list[dict]:
    """Required questions of visible fields without an answer (e.g. a step was skipped)."""
    lang = language_normalise(language)
    missing = []
    for index, step in enumerate(form_version.steps, start=1):
        for field in step["fields"]:
            if not field["required"] or not field_is_visible(field, answers):
                continue
            if field["type"] == FieldType.FILE:
                answered = field["key"] in files
            else:
                answered = answers.get(field["key"]) not in (None, "", [], {}, False)
            if not answered:
                missing.append({"step": index, "label": field["label"][lang]})
    return missing


def catalogue(*, user, query: str = "") -> list[ServiceCategory]:
    """The catalogue as ``user`` may see it (offline services for staff only), by category."""
    services = Service.objects.visible_to(user).select_related("department").order_by("name")
    if query:
        terms = query.split()
        for term in terms:
            # Both languages: an English page shows the German text where no English one exists.
            match = Q()
            for lang in ("de", "en"):
                match |= Q(**{f"name_{lang}__icontains": term})
                match |= Q(**{f"summary_{lang}__icontains": term})
                match |= Q(**{f"search_terms_{lang}__icontains": term})
                match |= Q(**{f"category__name_{lang}__icontains": term})
            services = services.filter(match)
    categories = (
        ServiceCategory.objects.filter(services__in=services)
        .distinct()
        .prefetch_related(Prefetch("services", queryset=services, to_attr="matching"))
        .order_by("order", "name")
    )
    return list(categories)


def cases_of(*, user) -> list[Case]:
    return list(
        Case.objects.of_applicant(user)
        .select_related("service")
        .annotate(message_count=Count("messages"))
        .order_by("-submitted_at")
    )


def public_events(*, case: Case) -> list[CaseEvent]:
    return list(
        case.events.filter(public=True).select_related("actor").order_by("created_at", "pk")
    )


def user_contributions(*, user) -> list[dict]:
    """The user's defect reports, for the profile page ("Mein Konto")."""
    reports = DefectReport.objects.filter(case__applicant=user).select_related("case")
    items = [
        {
            "text": f"{r.case.reference}: {r.get_category_display()}",
            "url": r.get_absolute_url(),
            "status": r.case.get_status_display(),
            "detail": r.address,
        }
        for r in reports
    ]
    return [{"title": _("My defect reports"), "items": items}]


def personal_data(*, user) -> dict:
    """The user's cases for the GDPR export."""
    cases = Case.objects.filter(applicant=user).select_related("service", "form_version")
    return {
        "cases": [
            {
                "reference": c.reference,
                "service": c.service.name,
                "status": c.status,
                "submitted_at": c.submitted_at.isoformat(),
                "applicant_name": c.applicant_name,
                "applicant_email": c.applicant_email,
                "answers": c.answers,
                "events": [
                    {
                        "kind": e.kind,
                        "to_status": e.to_status,
                        "note": e.note,
                        "at": e.created_at.isoformat(),
                    }
                    for e in c.events.filter(public=True)
                ],
                "messages": [
                    {"from_office": m.from_office, "body": m.body, "at": m.created_at.isoformat()}
                    for m in c.messages.all()
                ],
                "attachments": [a.original_name for a in c.attachments.all()],
            }
            for c in cases
        ],
        "drafts": [
            {
                "service": d.service.name,
                "updated_at": d.updated_at.isoformat(),
                "answers": d.answers,
            }
            for d in user.drafts.select_related("service")
        ],
    }


class _Median(Aggregate):
    """PostgreSQL's ordered-set aggregate: the median without loading the rows."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_processing_times(cases) -> dict[str, timedelta]:
    closed = cases.filter(closed_at__isnull=False)
    if connection.vendor == "postgresql":
        rows = (
            closed.values("service__name")
            .annotate(median=_Median(F("closed_at") - F("submitted_at")))
            .values_list("service__name", "median")
        )
        return dict(rows)
    durations: dict[str, list[timedelta]] = {}  # the portable path (SQLite)
    for name, submitted, closed_at in closed.values_list(
        "service__name", "submitted_at", "closed_at"
    ):
        durations.setdefault(name, []).append(closed_at - submitted)
    # median() needs only ordering, + and / 2, which timedelta has; typeshed admits numbers only.
    return {name: statistics.median(values) for name, values in durations.items()}  # type: ignore[type-var]


def case_statistics(*, user) -> dict:
    """Cases per service and status, median days from submission to closing, open and overdue
    counts: over the cases ``user`` may see, in three queries whatever their number."""
    cases = Case.objects.visible_to(user)
    per_service: dict[str, dict] = {}
    for row in (
        cases.values("service__name", "status").annotate(n=Count("pk")).order_by("service__name")
    ):
        entry = per_service.setdefault(row["service__name"], {"statuses": {}, "total": 0})
        entry["statuses"][row["status"]] = row["n"]
        entry["total"] += row["n"]
    medians = _median_processing_times(cases)
    rows = []
    for name, entry in per_service.items():
        median = medians.get(name)
        rows.append(
            {
                "service": name,
                "total": entry["total"],
                "counts": [entry["statuses"].get(s, 0) for s in CaseStatus.values],
                # None: nothing closed yet; a zero median (closed on the spot) is a value.
                "median_days": (
                    round(median.total_seconds() / 86400, 1) if median is not None else None
                ),
            }
        )
    totals = cases.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(pk__in=cases.overdue().values("pk"))),
    )
    return {"rows": rows, **totals}
