"""Parsing Open311 input: W3C dates, ``attribute[code]`` fields, answers of a service's form."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from portal.i18n import language_current
from portal.text import clean_text
from services.forms import StepForm
from services.models import Service
from services.open311.rendering import Open311Error

EMAIL_MAX_LENGTH = 254  # an EmailField's default


def parse_date(name: str, value: str):
    try:
        parsed = parse_datetime(value.replace(" ", "+")) if value else None
    except ValueError:  # well formed, but no real date or time (2026-02-30, +25:00)
        parsed = None
    if value and (parsed is None or parsed.tzinfo is None):
        raise Open311Error(
            400, _("{name} must be a W3C date and time with a time zone.").format(name=name)
        )
    return parsed


def parse_coordinate(name: str, value: str, *, limit: float) -> float | None:
    """A latitude (``limit`` 90) or longitude (180) in degrees, or None if not given."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise Open311Error(
            400,
            _("{name} must be a number between -{limit} and {limit}.").format(
                name=name, limit=int(limit)
            ),
        )
    return number


def parse_text(post, name: str, *, max_length: int) -> str:
    """A free-text parameter without characters XML cannot carry, at most ``max_length``."""
    value = clean_text(post.get(name, "")).strip()
    if len(value) > max_length:
        raise Open311Error(
            400,
            _("{name} may have at most {n} characters.").format(name=name, n=max_length),
        )
    return value


def parse_email(post) -> str:
    email = post.get("email", "").strip()
    if not email:
        return ""
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        EmailValidator()(email)
    except ValidationError as exc:
        raise Open311Error(400, _("email must be a valid e-mail address.")) from exc
    return email


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
    the same step forms as the web form (in the client's language)."""
    form_version = service.current_form
    if form_version is None:  # api_services() has only services with a form
        raise ValueError(f"service {service.slug} has no published form")
    data = attribute_data(post)
    answers: dict = {}
    for step in form_version.steps:
        form = StepForm(
            data=QueryLike(data),
            step=step,
            answers=answers,
            language=language_current(),
            stored_files=set(),
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
