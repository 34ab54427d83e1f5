"""The tours' data model: German content with English per field, stops' rules, the role."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from smartcity.tours.models import SHORT_CODE_ALPHABET, TourDailyCount
from tests.tours.factories import StopFactory, TourFactory

pytestmark = pytest.mark.django_db


def test_english_visitors_read_english_where_present_and_german_otherwise():
    tour = TourFactory(title_de="Rund um den Markt", title_en="Around the market")
    with translation.override("en"):
        assert tour.title == "Around the market"
        assert tour.summary == "Vom Marktplatz durch die Altstadt."  # no English: German
    with translation.override("de"):
        assert tour.title == "Rund um den Markt"


def test_stops_come_in_their_order_with_short_codes_readable_off_a_sign():
    tour = TourFactory()
    stops = list(tour.stops.all())
    assert [s.position for s in stops] == [1, 2, 3]
    codes = {s.short_code for s in stops}
    assert len(codes) == 3
    assert all(len(c) == 6 and set(c) <= set(SHORT_CODE_ALPHABET) for c in codes)
    assert not set("01ilo") & set("".join(codes))


def test_an_audio_file_without_its_transcript_is_refused():
    stop = StopFactory()
    stop.audio_de = "tours/audio/station.mp3"  # a stored file's name; nothing is written
    with pytest.raises(ValidationError) as refused:
        stop.clean()
    assert "audio_transcript_de" in refused.value.message_dict
    stop.audio_transcript_de = "Willkommen am Marktplatz."
    stop.clean()


def test_counts_are_one_row_per_tour_and_day():
    tour = TourFactory(stops=0)
    today = timezone.localdate()
    TourDailyCount.objects.create(tour=tour, day=today, started=1)
    TourDailyCount.objects.create(tour=tour, day=today - timedelta(days=1), started=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        TourDailyCount.objects.create(tour=tour, day=today, started=1)


def test_tour_editors_may_edit_tours_and_stops_and_nothing_else():
    editors = Group.objects.get(name="tour_editor")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_tour", "change_tour", "change_stop", "add_stopimage", "view_theme"} <= codenames
    assert all(c.split("_", 1)[1] in {"tour", "stop", "stopimage", "theme"} for c in codenames)
