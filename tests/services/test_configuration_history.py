"""Configuration changed in the admin leaves a trace: who changed which field, when, from what
to what. Secrets never enter the history; only who may see the object sees its history."""

import pytest
from django.contrib import admin
from django.db import connection

from participation.models import FieldOfAction, Phase, Process, Question, StrategicGoal, Survey
from portal.audit import HistoryAdmin
from portal.models import Department
from services.models import (
    DefectRoute,
    FormField,
    FormStep,
    FormVersion,
    Open311Key,
    Service,
    ServiceCategory,
)
from smartcity.models import Channel, DeviceToken, Pole, Threshold
from tests.factories import UserFactory
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# Configuration with an admin page of its own, and configuration edited inline on those pages.
CONFIGURATION_ADMINS = [
    Department,
    ServiceCategory,
    Service,
    FormStep,
    DefectRoute,
    Open311Key,
    FieldOfAction,
    StrategicGoal,
    Process,
    Survey,
    Pole,
    Threshold,
]
CONFIGURATION_INLINES = [FormField, FormVersion, Phase, Question, Channel, DeviceToken]


@pytest.fixture
def administrator(db):
    return UserFactory(email="root@stadt.example", staff=True, is_superuser=True, mfa=True)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _value(bound_field):
    value = bound_field.value()
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return None if value is None else str(value)


def change_form_data(response) -> dict:
    """What the admin's change form would send back unchanged, inlines included."""
    forms = [response.context["adminform"].form]
    data: dict = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = _value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def test_a_service_changed_in_the_admin_shows_who_changed_which_field(admin_client, administrator):
    service = ServiceFactory(processing_days=14)
    url = f"/admin/services/service/{service.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["processing_days"] = "21"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    service.refresh_from_db()
    assert service.processing_days == 21
    page = admin_client.get(f"/admin/services/service/{service.pk}/history/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Verlauf von „Hundeanmeldung" in html
    assert f"{administrator} ({administrator.email})" in html
    assert "<strong>Bearbeitungsdauer in Arbeitstagen:</strong> 14 → 21</li>" in html
    assert "style=" not in html.split('id="change-history"')[1]  # the CSP allows no inline style
    last = service.history.latest()
    assert last.history_user == administrator
    assert last.diff_against(last.prev_record).changed_fields == ["processing_days"]


def test_only_administrators_read_the_history(client, case_worker):
    """Case workers may look at services in the admin, but not at who changed them."""
    service = ServiceFactory()
    client.force_login(case_worker)

    assert client.get(f"/admin/services/service/{service.pk}/change/").status_code == 200
    response = client.get(f"/admin/services/service/{service.pk}/history/")
    record = service.history.earliest()
    single = client.get(f"/admin/services/service/{service.pk}/history/{record.pk}/")

    assert response.status_code == 403
    assert single.status_code == 403


def test_key_hashes_never_enter_the_history():
    for model, secrets in [(Open311Key, {"key_hash"}), (DeviceToken, {"token_hash", "mqtt_hash"})]:
        table = model.history.model._meta.db_table
        with connection.cursor() as cursor:
            columns = {
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            }
        assert "prefix" in columns, table  # the history is there, without the secrets
        assert not columns & secrets, table


def test_a_key_issued_and_renamed_in_the_admin_keeps_both_histories(admin_client, administrator):
    admin_client.post("/admin/services/open311key/add/", {"name": "Stadtwerke-App"})
    key = Open311Key.objects.get()
    admin_client.post(f"/admin/services/open311key/{key.pk}/change/", {"name": "Stadtwerke"})

    html = admin_client.get(f"/admin/services/open311key/{key.pk}/history/").content.decode()

    assert "Stadtwerke-App" in html  # the old name in the field history
    assert "Renamed from “Stadtwerke-App”." in html  # the service's change log entry
    assert key.key_hash not in html
    assert [record.history_user for record in key.history.all()] == [administrator] * 2
    assert Service.history.count() == 0  # nothing else was recorded on the way


@pytest.mark.parametrize("model", CONFIGURATION_ADMINS + CONFIGURATION_INLINES)
def test_every_configuration_model_keeps_its_history(model):
    assert hasattr(model, "history"), model
    if model in CONFIGURATION_ADMINS:
        assert isinstance(admin.site._registry[model], HistoryAdmin), model
