"""Status words in templates: a defect report's own ("Fixed"), otherwise the case's."""

from __future__ import annotations

from django import template

from services.models import DEFECT_SERVICE_SLUG, Case, CaseStatus, defect_status_label

register = template.Library()


def _is_defect(case: Case) -> bool:
    return case.service.slug == DEFECT_SERVICE_SLUG


@register.filter
def case_status(case: Case) -> str:
    """The label of the case's current status."""
    if _is_defect(case):
        report = getattr(case, "defect", None)
        duplicate = report is not None and report.duplicate_of_id is not None
        return defect_status_label(case.status, duplicate=duplicate)
    return str(case.get_status_display())


@register.filter
def status_of(status: str, case: Case) -> str:
    """The label of ``status`` (e.g. an event's ``to_status``) in the words of ``case``."""
    if not status:
        return ""
    if _is_defect(case):
        return defect_status_label(status)
    return str(CaseStatus(status).label)
