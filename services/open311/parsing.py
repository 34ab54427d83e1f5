"""Parsing Open311 input: W3C dates, ``attribute[code]`` fields, answers of a service's form."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime

from services.forms import StepForm
from services.models import Service
from services.open311.rendering import Open311Error


def parse_date(name: str, value: str):
    parsed = parse_datetime(value.replace(" ", "+")) if value else None
    if value and (parsed is None or parsed.tzinfo is None):
        raise Open311Error(400, f"{name} must be a W3C datetime with a time zone")
    return parsed


def attribute_data(post) -> dict:
    """``attribute[code]=v`` and ``attribute[code][]=v`` (multivaluelist) as a form's data."""
    data: dict[str, list[str]] = {}
    for key in post:
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute[") : -1]
            if code.endswith("]["):
                code = code[:-2]
            data.setdefault(code, []).extend(post.getlist(key))
    return data


def form_answers(service: Service, post) -> dict:
    """The answers of the service's current form from ``attribute[...]`` fields, validated by
    the same step forms as the web form (German messages)."""
    form_version = service.current_form
    if form_version is None:  # api_services() has only services with a form
        raise ValueError(f"service {service.slug} has no published form")
    data = attribute_data(post)
    answers: dict = {}
    for step in form_version.steps:
        form = StepForm(
            data=QueryLike(data), step=step, answers=answers, language="de", stored_files=set()
        )
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise Open311Error(400, f"attribute[{field}]: {errors[0]}")
        step_answers, _files = form.answers_and_files()
        answers.update(step_answers)
    return answers


class QueryLike(dict):
    """The minimal QueryDict interface a form's widgets read (get and getlist)."""

    def get(self, key, default=None):
        values = super().get(key)
        return values[-1] if values else default

    def getlist(self, key, default=None):
        return super().get(key, default or [])
