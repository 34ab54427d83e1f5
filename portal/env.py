"""Strict parsing of environment booleans and numbers for ``settings.py``.

django-environ stays in charge of URLs (``DATABASE_URL``, ``EMAIL_URL``), but its ``bool()`` reads
any unknown value as False, so a typo such as ``DJANGO_DEBUG=flase`` would pass unnoticed. These
helpers refuse what they do not recognise (an empty value too) with a message that names the
variable and the accepted values. An unset variable gives the default.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = ("true", "yes", "on", "1")
FALSE_VALUES = ("false", "no", "off", "0")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def env_bool(name: str, *, default: bool) -> bool:
    """``name`` as a boolean: true/yes/on/1 or false/no/off/0, in any case."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    accepted = ", ".join(TRUE_VALUES + FALSE_VALUES)
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; accepted values: {accepted} (in any case)."
    )


def env_int(name: str, *, default: int) -> int:
    """``name`` as a whole number written in decimal digits, e.g. ``300`` or ``-1``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip()
    if not _INTEGER.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a whole number; accepted values: decimal digits "
            "with an optional sign, e.g. 300 or -1."
        )
    return int(value)
