"""The open-data header and the thresholds' names are in the reader's language."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone, translation

from smartcity.models import Threshold
from tests.smartcity.test_pages import fill

pytestmark = pytest.mark.django_db


def test_the_open_data_header_names_the_licence_in_the_page_language(client, pole):
    fill(pole.channels.get(key="pm10"), hours=2, step=timedelta(minutes=30), value=12)
    today = timezone.now().astimezone(UTC).date()
    query = f"mast={pole.number}&kanal=pm10&von={today - timedelta(days=1)}&bis={today}"

    def first_line(prefix: str) -> str:
        response = client.get(f"{prefix}/smartcity/offene-daten/stundenwerte.csv?{query}")
        return b"".join(response.streaming_content).decode().splitlines()[0]

    german, english = first_line(""), first_line("/en")
    assert german.startswith("# Quelle: Stadt Castrop-Rauxel, ")
    assert ". Lizenz: Datenlizenz Deutschland" in german
    assert "Licence" not in german
    assert english.startswith("# Source: City of Castrop-Rauxel, ")
    assert ". Licence: Datenlizenz Deutschland" in english


def test_the_eu_thresholds_have_german_and_english_names(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)

    german = client.get("/admin/smartcity/threshold/").content.decode()

    assert "PM10-Tagesmittel-Grenzwert (EU)" in german
    assert "PM10 daily mean limit (EU)" not in german
    with translation.override("en"):
        names = {str(t) for t in Threshold.objects.all()}
    assert "PM10 daily mean limit (EU)" in names


def test_the_admin_labels_the_pole_of_a_charging_session_in_german(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)

    page = client.get("/admin/smartcity/chargingsession/").content.decode()

    assert "Mast" in page
    assert ">Pole<" not in page
