"""Working days with the public holidays of NRW (portal.workdays)."""

from datetime import date

import pytest

from portal.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 3),  # Karfreitag
        date(2026, 4, 6),  # Ostermontag
        date(2026, 5, 1),  # Tag der Arbeit
        date(2026, 6, 4),  # Fronleichnam (a holiday in NRW, not in Berlin)
        date(2027, 11, 1),  # Allerheiligen, a Monday
        date(2026, 12, 25),
        date(2025, 12, 26),  # 2. Weihnachtstag, a Friday
        date(2026, 12, 5),  # Saturday
        date(2026, 12, 6),  # Sunday
    ],
)
def test_holidays_of_nrw_and_weekends_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 24),  # Heiligabend: the town hall is open
        date(2026, 12, 31),  # Silvester
        date(2026, 2, 16),  # Rosenmontag
        date(2026, 11, 18),  # Buß- und Bettag: a holiday in Saxony only
        date(2026, 12, 3),  # an ordinary Thursday
    ],
)
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(day)


def test_a_deadline_that_would_fall_on_a_saturday_moves_to_monday():
    # Monday 30 Nov + 5 calendar days is Saturday 5 Dec; 5 working days are Monday 7 Dec.
    assert add_working_days(date(2026, 11, 30), 5) == date(2026, 12, 7)


def test_the_easter_weekend_is_skipped():
    # Maundy Thursday: Good Friday, the weekend and Easter Monday do not count.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 10) == date(2026, 4, 20)


def test_corpus_christi_and_all_saints_are_skipped():
    # Wednesday 3 June 2026: Thursday is Fronleichnam.
    assert add_working_days(date(2026, 6, 3), 1) == date(2026, 6, 5)
    # Friday 29 Oct 2027: Monday 1 Nov 2027 is Allerheiligen.
    assert add_working_days(date(2027, 10, 29), 1) == date(2027, 11, 2)


def test_christmas_and_the_turn_of_the_year():
    # Wednesday 23 Dec 2026: 24 Dec counts, 25/26 Dec and the weekend do not, 31 Dec counts,
    # 1 Jan 2027 does not.
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 23), 6) == date(2027, 1, 4)


def test_zero_days_is_the_same_or_the_next_working_day():
    assert add_working_days(date(2026, 12, 3), 0) == date(2026, 12, 3)
    assert add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 7)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 12, 3), -1)


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert working_days_between(date(2026, 11, 30), date(2026, 12, 2)) == 2  # Mon to Wed
    assert working_days_between(date(2026, 12, 3), date(2026, 12, 3)) == 0
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 7)) == 1  # Fri to Mon
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1  # over Easter
    assert working_days_between(date(2026, 12, 7), date(2026, 12, 4)) == -1


@pytest.mark.parametrize("n", [1, 5, 10, 14, 30, 60, 250])
def test_between_is_the_inverse_of_add(n):
    for start in (date(2026, 4, 2), date(2026, 12, 23), date(2026, 6, 3), date(2026, 12, 5)):
        assert working_days_between(start, add_working_days(start, n)) == n
