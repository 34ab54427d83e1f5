"""Working days in Castrop-Rauxel: the one place for deadline arithmetic.

A working day is Monday to Friday unless it is a public holiday of North Rhine-Westphalia
(``holidays.country_holidays("DE", subdiv="NW")``: New Year, Good Friday, Easter Monday,
1 May, Ascension, Whit Monday, Corpus Christi, 3 October, All Saints, Christmas Day and
Boxing Day). Christmas Eve and New Year's Eve are not public holidays and count as working
days here: the town hall is open on them, and a deadline that ends there is met by a decision
sent that day. Carnival Monday (Rosenmontag) is a working day too, for the same reason.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DE", subdiv="NW", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(start: date, n: int) -> date:
    """The day ``n`` working days after ``start``: a case filed on ``start`` with a processing
    time of ``n`` working days is due then. The result is always a working day: with ``n == 0``
    it is ``start`` itself or, if that is a weekend or holiday, the next working day."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    if n == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(a: date, b: date) -> int:
    """The working days after ``a`` up to and including ``b`` (negative if ``b`` is before
    ``a``). The inverse of ``add_working_days``: ``working_days_between(a,
    add_working_days(a, n)) == n`` for ``n >= 1``; a pause from Monday to Wednesday of an
    ordinary week is 2."""
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a + timedelta(days=1)
    while day <= b:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count
