"""A project page shows what the poles it built deliver: poles in service, WiFi use today,
energy charged this month and the latest air values, computed from the stored data."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from participation.models import Project
from smartcity import selectors, services
from smartcity.models import ChargingSession, Pole, PoleGroup, PoleStatus
from tests.smartcity.factories import PoleFactory

pytestmark = pytest.mark.django_db


def moment() -> datetime:
    """A moment of the last two minutes in the current hour (so today, this month); a second
    before it lies in that hour too."""
    now = timezone.now()
    hour = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    return max(now - timedelta(minutes=2), hour) + timedelta(seconds=1)


def send(pole: Pole, key: str, value: float, ts: datetime | None = None) -> None:
    """A reading a second before ``moment()`` unless a time is given."""
    channel = pole.channels.get(key=key)
    when = ts or moment() - timedelta(seconds=1)
    services.readings_apply(rows=[(channel.pk, when, value)], evaluate=False)


@pytest.fixture
def poles(db):
    """A group of three poles (one in maintenance) and a retired one; a pole outside it."""
    a = PoleFactory(number="CR-201", name="Markt")
    b = PoleFactory(number="CR-202", name="Bahnhof")
    c = PoleFactory(number="CR-203", name="Park", status=PoleStatus.MAINTENANCE)
    gone = PoleFactory(number="CR-204", name="Alt", status=PoleStatus.RETIRED)
    outside = PoleFactory(number="CR-299", name="Anderswo")
    group = PoleGroup.objects.create(slug="masten", name="Smart Poles")
    group.poles.add(a, b, c, gone)
    return {"a": a, "b": b, "c": c, "gone": gone, "outside": outside}


@pytest.fixture
def project(field):
    return Project.objects.create(
        title="Smart Poles",
        slug="smart-poles",
        summary="Lichtmasten",
        field_of_action=field,
        responsible_office="Tiefbau",
        pole_group="masten",
        live_figures=["poles", "wifi", "charging", "air"],
    )


def figures(client, project) -> dict[str, str]:
    page = client.get(project.get_absolute_url()).content.decode()
    found = re.findall(r'data-figure="(\w+)">(.*?)</div>', page, re.S)
    return {k: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", v)).strip() for k, v in found}


def test_the_project_page_shows_the_figures_of_its_poles_and_follows_the_data(
    client, poles, project
):
    a, b = poles["a"], poles["b"]
    for pole, clients, pm10 in [(a, 12, 30.0), (b, 8, 40.0), (poles["outside"], 500, 900.0)]:
        send(pole, "wifi_clients", clients)
        send(pole, "pm10", pm10)
    send(poles["gone"], "pm10", 800.0)
    send(a, "no2", 21.2)
    ended = moment()
    ChargingSession.objects.create(
        pole=a, connector=1, session_id="s1", started_at=ended - timedelta(hours=1),
        ended_at=ended, energy_kwh=1234.5,
    )  # fmt: skip
    ChargingSession.objects.create(
        pole=poles["outside"], connector=1, session_id="s2", started_at=ended, ended_at=ended,
        energy_kwh=99,
    )  # fmt: skip

    shown = figures(client, project)

    assert shown["poles"].startswith("Masten in Betrieb 2 von 3")
    assert shown["wifi"].startswith("Freies WLAN heute bis zu 20 Geräte gleichzeitig")
    assert shown["charging"].startswith("Geladene Energie in diesem Monat 1.234,5 kWh")
    assert "in 1 Ladevorgang seit" in shown["charging"]
    assert "Feinstaub PM10: 35,0 µg/m³ – gut (PM10 über 20 bis 35 µg/m³)" in shown["air"]
    assert "Mittel aus 2 Masten, Stand:" in shown["air"]
    assert "Stickstoffdioxid NO2: 21,2 µg/m³" in shown["air"]  # one pole: no band for NO2
    assert "Mittel aus 1 Mast, Stand:" in shown["air"]

    # The data changes: so do the figures.
    send(b, "wifi_clients", 16, ts=moment())  # b's mean of the hour: 12
    send(a, "pm10", 55.0, ts=moment())
    ChargingSession.objects.create(
        pole=b, connector=2, session_id="s3", started_at=ended, ended_at=ended, energy_kwh=10,
    )  # fmt: skip
    Pole.objects.filter(pk=b.pk).update(status=PoleStatus.MAINTENANCE)

    shown = figures(client, project)

    assert shown["poles"].startswith("Masten in Betrieb 1 von 3")
    assert shown["wifi"].startswith("Freies WLAN heute bis zu 24 Geräte gleichzeitig")
    assert shown["charging"].startswith("Geladene Energie in diesem Monat 1.244,5 kWh")
    assert "in 2 Ladevorgängen seit" in shown["charging"]
    assert "Feinstaub PM10: 47,5 µg/m³ – mäßig" in shown["air"]


def test_without_data_the_page_says_so_instead_of_showing_zeros(client, poles, project):
    shown = figures(client, project)

    assert shown["poles"].startswith("Masten in Betrieb 0 von 3")
    assert shown["wifi"] == "Freies WLAN heute Noch keine Daten"
    assert shown["charging"] == "Geladene Energie in diesem Monat Noch keine Daten"
    assert shown["air"] == "Aktuelle Luftwerte Noch keine Daten"


def test_old_values_are_not_shown_as_current(client, poles, project):
    old = timezone.now() - timedelta(hours=5)
    send(poles["a"], "pm10", 30.0, ts=old)
    ChargingSession.objects.create(
        pole=poles["a"], connector=1, session_id="old", started_at=old - timedelta(days=40),
        ended_at=old - timedelta(days=40), energy_kwh=50,
    )  # fmt: skip

    shown = figures(client, project)

    assert shown["air"] == "Aktuelle Luftwerte Noch keine Daten"
    assert shown["charging"] == "Geladene Energie in diesem Monat Noch keine Daten"


def test_a_project_shows_only_its_chosen_figures_and_an_unknown_group_has_no_data(
    client, poles, project
):
    Project.objects.filter(pk=project.pk).update(live_figures=["poles", "wifi"])
    assert set(figures(client, project)) == {"poles", "wifi"}

    Project.objects.filter(pk=project.pk).update(pole_group="gibt-es-nicht")
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Noch keine Daten." in page
    assert "data-figure" not in page

    Project.objects.filter(pk=project.pk).update(pole_group="", live_figures=[])
    assert "Was das Projekt leistet" not in client.get(project.get_absolute_url()).content.decode()


def test_the_figures_cost_one_query_each(poles, django_assert_num_queries):
    send(poles["a"], "wifi_clients", 3)

    with django_assert_num_queries(4):
        live = selectors.project_live_figures(group="masten")
    with django_assert_num_queries(2):
        selectors.project_live_figures(group="masten", figures=["poles", "air"])
    with django_assert_num_queries(1):
        assert selectors.project_live_figures(group="unbekannt") is None

    assert live is not None
    assert (live.poles_in_service, live.poles_total, live.wifi_peak) == (1, 3, 3.0)


def test_the_project_page_has_a_fixed_number_of_queries(
    client, poles, project, django_assert_num_queries
):
    for pole in (poles["a"], poles["b"]):
        send(pole, "pm10", 20.0)
    client.get(project.get_absolute_url())  # warm the session and content-type caches

    with django_assert_num_queries(8):
        assert client.get(project.get_absolute_url()).status_code == 200


@pytest.fixture
def editor(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    return staff_with_mfa


def admin_post(client, project, **changes):
    data = {
        "title_de": project.title,
        "slug": project.slug,
        "summary_de": project.summary,
        "field_of_action": project.field_of_action_id,
        "status": project.status,
        "progress": project.progress,
        "responsible_office": project.responsible_office,
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(f"/admin/participation/project/{project.pk}/change/", data)


def test_the_admin_offers_smart_citys_pole_groups_and_the_figures(client, editor, poles, project):
    page = client.get(f"/admin/participation/project/{project.pk}/change/").content.decode()
    assert '<option value="masten" selected>Smart Poles</option>' in page

    admin_post(client, project, pole_group="masten", live_figures=["charging", "air"])

    project.refresh_from_db()
    assert project.live_figures == ["charging", "air"]


def test_live_figures_without_a_pole_group_are_refused(client, editor, poles, project):
    response = admin_post(client, project, pole_group="", live_figures=["wifi"])

    assert "Live-Kennzahlen brauchen eine Mastgruppe." in response.content.decode()
    project.refresh_from_db()
    assert project.pole_group == "masten"
