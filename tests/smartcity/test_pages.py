"""Dashboards for operators, the public environment map and the open data downloads."""

import csv
import io
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from smartcity import selectors, services
from smartcity.models import Alarm, Threshold

pytestmark = pytest.mark.django_db


def fill(channel, *, hours: float, step: timedelta, value=10.0):
    now = timezone.now()
    rows = []
    t = now - timedelta(hours=hours)
    while t <= now:
        rows.append((channel.pk, t, value))
        t += step
    services.readings_apply(rows=rows, evaluate=False)
    return len(rows)


@pytest.mark.parametrize(
    "url", ["/smartcity/betrieb/", "/smartcity/betrieb/alarme/", "/smartcity/betrieb/flotte/"]
)
def test_operator_pages_send_visitors_to_the_login_and_refuse_citizens(client, citizen_a, url):
    assert client.get(url).status_code == 302
    client.force_login(citizen_a)
    assert client.get(url).status_code == 403


def test_an_operator_sees_every_pole_with_its_state_and_latest_values(client, operator, pole):
    fill(pole.channels.get(key="pm10"), hours=1, step=timedelta(minutes=10), value=23.4)
    client.force_login(operator)

    html = client.get("/smartcity/betrieb/").content.decode()

    assert pole.name in html
    assert "23,4 µg/m³" in html
    assert 'hx-trigger="every 30s"' in html


def test_the_dashboard_list_refreshes_as_a_fragment(client, operator, pole):
    client.force_login(operator)

    html = client.get("/smartcity/betrieb/", HTTP_HX_REQUEST="true").content.decode()

    assert html.lstrip().startswith('<div class="kern-table-responsive" id="pole-table"')
    assert "<html" not in html


def test_the_dashboard_map_data_carries_each_poles_state(client, operator, pole, settings):
    fill(pole.channels.get(key="pm10"), hours=1, step=timedelta(minutes=10))
    Alarm.objects.create(pole=pole, kind="lamp_fault", condition="lamp_fault", message="x")
    client.force_login(operator)

    feature = client.get("/smartcity/betrieb/karte.json").json()["features"][0]

    assert feature["properties"]["state"] == "alarm"
    assert feature["properties"]["url"] == f"/smartcity/betrieb/masten/{pole.number}/"


def test_a_superuser_may_see_the_dashboard_too(client, pole):
    from tests.factories import UserFactory

    admin = UserFactory(email="root@stadt.example", is_superuser=True, staff=True, mfa=True)
    client.force_login(admin)

    assert client.get(f"/smartcity/betrieb/masten/{pole.number}/").status_code == 200


@pytest.mark.parametrize(
    ("range_key", "source", "most"),
    [("24h", "raw", 2000), ("7d", "hourly", 169), ("30d", "hourly", 721), ("1y", "daily", 366)],
)
def test_charts_come_from_raw_data_or_rollups_and_never_exceed_2000_points(
    client, operator, pole, range_key, source, most
):
    fill(pole.channels.get(key="no2"), hours=24 * 31, step=timedelta(minutes=30))
    client.force_login(operator)

    data = client.get(
        f"/smartcity/betrieb/masten/{pole.number}/no2.json?zeitraum={range_key}"
    ).json()

    assert data["source"] == source
    assert 0 < len(data["x"]) <= most
    assert len(data["x"]) == len(data["mean"]) == len(data["min"]) == len(data["max"])


def test_a_day_of_dense_raw_data_is_charted_from_hourly_rollups(pole):
    fill(pole.channels.get(key="noise"), hours=24, step=timedelta(seconds=30))

    series = selectors.chart_series(channel=pole.channels.get(key="noise"), range_key="24h")

    assert series["source"] == "hourly"
    assert len(series["points"]) <= 25


def test_a_chart_range_is_exported_as_csv(client, operator, pole):
    fill(pole.channels.get(key="temperature"), hours=3, step=timedelta(minutes=15), value=4.5)
    client.force_login(operator)

    response = client.get(f"/smartcity/betrieb/masten/{pole.number}/temperature.csv?zeitraum=24h")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="CR-001-temperature-24h.csv"'
    assert lines[0] == "time_utc,min,mean,max,source,unit"
    assert len(lines) == 1 + 13
    assert lines[1].endswith(",4.5,4.5,4.5,raw,°C")


def test_an_operator_acknowledges_an_alarm_with_a_note_on_the_pole_page(client, operator, pole):
    Threshold.objects.create(name="Laut", kind="noise", limit=70, clear_level=60)
    fill(pole.channels.get(key="noise"), hours=0, step=timedelta(minutes=1), value=80)
    services.thresholds_evaluate(channel_ids=[pole.channels.get(key="noise").pk])
    alarm = Alarm.objects.get()
    client.force_login(operator)
    page = f"/smartcity/betrieb/masten/{pole.number}/"
    assert "Laut" in client.get(page).content.decode()

    response = client.post(
        f"/smartcity/betrieb/alarme/{alarm.pk}/bestaetigen/",
        {"note": "Schon gemeldet", "next": page},
    )

    assert response.status_code == 302
    assert response["Location"] == page
    alarm.refresh_from_db()
    assert (alarm.acknowledged_by, alarm.note) == (operator, "Schon gemeldet")
    assert "Schon gemeldet" in client.get(page).content.decode()


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "http://testserver/x"],
)
def test_acknowledging_never_redirects_to_another_site(client, operator, pole, target):
    alarm = Alarm.objects.create(pole=pole, kind="offline", condition="offline", message="x")
    client.force_login(operator)

    response = client.post(
        f"/smartcity/betrieb/alarme/{alarm.pk}/bestaetigen/", {"next": target}, secure=True
    )

    assert response["Location"] == "/smartcity/betrieb/alarme/"


def test_a_citizen_cannot_acknowledge_alarms(client, citizen_a, pole):
    alarm = Alarm.objects.create(pole=pole, kind="offline", condition="offline", message="x")
    client.force_login(citizen_a)

    assert client.post(f"/smartcity/betrieb/alarme/{alarm.pk}/bestaetigen/").status_code == 403
    alarm.refresh_from_db()
    assert alarm.acknowledged_at is None


def test_the_public_map_names_the_air_quality_band_in_words(client, pole):
    fill(pole.channels.get(key="pm10"), hours=1, step=timedelta(minutes=10), value=42)

    html = client.get("/smartcity/umwelt/").content.decode()
    feature = client.get("/smartcity/umwelt/karte.json").json()["features"][0]

    assert "mäßig (PM10 über 35 bis 50 µg/m³)" in html  # in the legend and the table row
    assert html.count("mäßig (PM10 über 35 bis 50 µg/m³)") == 2
    assert feature["properties"]["band"] == "moderate"
    assert "state" in feature["properties"]


def test_the_public_pole_page_has_7_day_charts_with_a_text_summary(client, pole):
    fill(pole.channels.get(key="no2"), hours=48, step=timedelta(hours=1), value=30)

    html = client.get(f"/smartcity/umwelt/{pole.number}/").content.decode()
    data = client.get(f"/smartcity/umwelt/{pole.number}/no2.json").json()

    assert "Niedrigster Wert 30,0 µg/m³" in html
    assert data["source"] == "hourly"
    assert len(data["x"]) >= 48


def test_the_public_never_sees_operator_only_channels(client, pole):
    assert client.get(f"/smartcity/umwelt/{pole.number}/wifi_clients.json").status_code == 404


def test_open_data_is_hourly_values_with_the_licence_named(client, pole):
    fill(pole.channels.get(key="pm10"), hours=5, step=timedelta(minutes=20), value=12)
    today = timezone.now().astimezone(UTC).date()
    query = f"mast={pole.number}&kanal=pm10&von={today - timedelta(days=1)}&bis={today}"

    as_csv = client.get(f"/smartcity/offene-daten/stundenwerte.csv?{query}")
    as_json = client.get(f"/smartcity/offene-daten/stundenwerte.json?{query}").json()

    lines = b"".join(as_csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("# Quelle: Stadt Castrop-Rauxel, ")
    assert lines[0].endswith(
        ": Datenlizenz Deutschland – Namensnennung – Version 2.0 (https://www.govdata.de/dl-de/by-2-0)"
    )
    assert lines[1] == "pole,channel,unit,hour_utc,min,mean,max,count"
    assert lines[2].startswith("CR-001,pm10,µg/m³,")
    assert lines[2].split(",")[3].endswith("+00:00")
    assert as_csv["Content-Disposition"].startswith('attachment; filename="castrop-rauxel-CR-001-')
    assert "Datenlizenz Deutschland" in as_json["licence"]
    assert {v["channel"] for v in as_json["values"]} == {"pm10"}
    assert all(v["mean"] == 12 for v in as_json["values"])
    assert len(as_json["values"]) in (5, 6, 7)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("mast=NOPE", "Mast"),
        ("mast=CR-001&von=gestern", "JJJJ-MM-TT"),
        ("mast=CR-001&von=2026-02-01&bis=2026-01-01", "Beginn"),
        ("mast=CR-001&von=2024-01-01&bis=2026-01-01", "Jahr"),
        ("mast=CR-001&kanal=wifi_clients", "Messgröße"),
    ],
)
def test_bad_open_data_requests_get_a_clear_message(client, pole, query, message):
    response = client.get(f"/smartcity/offene-daten/stundenwerte.json?{query}")

    assert response.status_code == 400
    assert message in response.json()["message"]


def test_the_start_page_links_the_public_pages(client):
    html = client.get("/smartcity/").content.decode()

    assert 'href="/smartcity/umwelt/"' in html
    assert 'href="/smartcity/offene-daten/"' in html
    assert "/smartcity/betrieb/" not in html


def test_the_dashboard_needs_a_constant_number_of_queries(
    client, operator, django_assert_max_num_queries
):
    from tests.smartcity.factories import PoleFactory

    for _ in range(5):
        PoleFactory()
    client.force_login(operator)

    with django_assert_max_num_queries(16):
        client.get("/smartcity/betrieb/")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_both_csv_exports_neutralise_a_formula_typed_into_a_channel(client, operator, pole, start):
    channel = pole.channels.get(key="pm10")
    channel.unit = f"{start}1+1"  # text typed by staff in the admin
    channel.save(update_fields=["unit"])
    fill(channel, hours=2, step=timedelta(minutes=20), value=12)
    today = timezone.now().astimezone(UTC).date()
    query = f"mast={pole.number}&kanal=pm10&von={today - timedelta(days=1)}&bis={today}"
    client.force_login(operator)

    open_data = client.get(f"/smartcity/offene-daten/stundenwerte.csv?{query}")
    chart = client.get(f"/smartcity/betrieb/masten/{pole.number}/pm10.csv?zeitraum=24h")

    open_rows = list(csv.reader(io.StringIO(b"".join(open_data.streaming_content).decode())))
    chart_rows = list(csv.reader(io.StringIO(b"".join(chart.streaming_content).decode())))
    assert open_rows[2][2] == f"'{start}1+1"
    assert chart_rows[1][5] == f"'{start}1+1"


@pytest.mark.parametrize(
    ("pm10", "band", "words"),
    [
        (0, "very_good", "sehr gut (PM10 bis 20 µg/m³)"),
        (20, "very_good", "sehr gut (PM10 bis 20 µg/m³)"),
        (20.6, "good", "gut (PM10 über 20 bis 35 µg/m³)"),  # between "20" and "21"
        (21, "good", "gut (PM10 über 20 bis 35 µg/m³)"),
        (35, "good", "gut (PM10 über 20 bis 35 µg/m³)"),
        (35.01, "moderate", "mäßig (PM10 über 35 bis 50 µg/m³)"),
        (50, "moderate", "mäßig (PM10 über 35 bis 50 µg/m³)"),
        (50.5, "poor", "schlecht (PM10 über 50 bis 100 µg/m³)"),
        (100, "poor", "schlecht (PM10 über 50 bis 100 µg/m³)"),
        (100.1, "very_poor", "sehr schlecht (PM10 über 100 µg/m³)"),
    ],
)
def test_every_pm10_value_has_exactly_one_band_of_the_federal_index(pm10, band, words):
    from django.utils import translation

    from smartcity import selectors

    with translation.override("de"):
        assert selectors.air_quality_band(pm10) == (band, words)
    # Half-open intervals: the bands tile the line without gaps or overlaps.
    uppers = [upper for upper, _key, _label in selectors.PM10_SCALE]
    assert uppers == sorted(uppers)
