"""Smart City in the browser: the operator dashboard (map, live list, pole charts, acknowledging
an alarm by keyboard) and the public environment map. axe-clean, nothing foreign, no errors."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import Role
from smartcity import services
from smartcity.models import Alarm
from tests.e2e.conftest import login
from tests.factories import PASSWORD, UserFactory
from tests.smartcity.factories import PoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def poles():
    now = timezone.now()
    made = []
    for number, lat, pm10 in [("CR-001", "51.553500", 12.0), ("CR-004", "51.563400", 44.0)]:
        pole = PoleFactory(number=number, name=f"Mast {number}", latitude=lat)
        rows = []
        for channel in pole.channels.all():
            for step in range(48):
                value = pm10 if channel.key == "pm10" else min(channel.maximum, 20.0)
                rows.append((channel.pk, now - timedelta(minutes=30 * step), value))
        services.readings_apply(rows=rows)
        made.append(pole)
    Alarm.objects.create(
        pole=made[1], kind="lamp_fault", condition="lamp_fault", message="LED-Treiber"
    )
    return made


@pytest.fixture
def operator_account():
    user = UserFactory(email="olga@stadt.example", name="Olga Operator", mfa=True)
    user.groups.add(Group.objects.get_or_create(name=Role.OPERATOR.value)[0])
    return user


def assert_clean(page):
    assert page.watch.axe_violations() == []
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def test_an_operator_watches_the_poles_and_acknowledges_an_alarm_by_keyboard(
    page, live_server, poles, operator_account
):
    login(page, operator_account.email, PASSWORD, mfa=True)
    page.goto("/smartcity/betrieb/")
    page.wait_for_load_state("networkidle")

    assert page.locator(".smartcity-map .leaflet-interactive").count() == 2  # no tiles needed
    assert "Mast CR-004" in page.inner_text("#pole-table")
    assert "Alarm" in page.inner_text("#pole-table")
    assert_clean(page)

    page.click("text=CR-004 Mast CR-004")
    page.wait_for_load_state("networkidle")
    assert page.locator(".smartcity-chart__canvas canvas").count() >= 6  # uPlot drew the charts
    assert_clean(page)

    page.focus("#note-" + str(Alarm.objects.get().pk))
    page.keyboard.type("Techniker ist informiert")
    page.keyboard.press("Tab")  # to the "Acknowledge" button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    assert "Alarm bestätigt." in page.inner_text("main")
    assert Alarm.objects.get().note == "Techniker ist informiert"
    assert_clean(page)

    page.goto("/smartcity/betrieb/masten/CR-004/?zeitraum=1y")
    page.wait_for_load_state("networkidle")
    assert_clean(page)
    for path in [
        "/smartcity/betrieb/alarme/",
        "/smartcity/betrieb/flotte/",
        "/en/smartcity/betrieb/",
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert_clean(page)


def test_a_visitor_reads_air_quality_on_the_public_map_in_words(page, live_server, poles):
    page.goto("/smartcity/")
    page.click("text=Umweltkarte: Luftqualität, Temperatur und Lärm an den Masten")
    page.wait_for_load_state("networkidle")

    assert page.locator(".smartcity-map .leaflet-interactive").count() == 2
    table = page.inner_text("table")
    assert "sehr gut (PM10 bis 20 µg/m³)" in table
    assert "mäßig (PM10 über 35 bis 50 µg/m³)" in table
    assert_clean(page)

    page.click("text=Mast CR-004")
    page.wait_for_load_state("networkidle")
    assert page.locator(".smartcity-chart__canvas canvas").count() == 6
    assert "Niedrigster Wert" in page.inner_text("main")
    assert_clean(page)

    page.goto("/smartcity/offene-daten/")
    assert "Datenlizenz Deutschland" in page.inner_text("main")
    assert_clean(page)


def test_a_citizen_is_refused_the_operator_dashboard(page, live_server, citizen_a):
    login(page, citizen_a.email, PASSWORD)
    response = page.goto("/smartcity/betrieb/")

    assert response.status == 403
