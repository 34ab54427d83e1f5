"""A service taken offline disappears for citizens (catalogue, search, Open311, its page says so)
while staff still see it; a service without cases can be deleted in the admin, one with cases
gets a clear message instead of the "protected objects" page."""

import pytest
from django.urls import reverse

from portal.api import ApplicationError
from services import services
from services.models import Case, FormVersion, Service
from tests.factories import UserFactory
from tests.services.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offline_service(db):
    service = ServiceFactory(name="Hundeanmeldung", slug="hundeanmeldung", anonymous=True)
    service.is_published = False
    service.save(update_fields=["is_published"])
    return service


@pytest.fixture
def administrator(client):
    user = UserFactory(email="root@stadt.example", staff=True, is_superuser=True, mfa=True)
    client.force_login(user)
    return user


def test_an_offline_service_is_missing_from_the_catalogue_and_its_search(client, offline_service):
    ServiceFactory(name="Meldebescheinigung", slug="meldebescheinigung")
    page = client.get(reverse("services:index")).content.decode()
    assert "Meldebescheinigung" in page
    assert "Hundeanmeldung" not in page
    assert offline_service.get_absolute_url() not in page
    found = client.get(reverse("services:index"), {"q": "Hundeanmeldung"}).content.decode()
    assert offline_service.get_absolute_url() not in found
    assert "Keine Leistung passt zu Ihrer Suche." in found


def test_a_direct_link_to_an_offline_service_says_it_is_offline(client, offline_service):
    response = client.get(offline_service.get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert "Diese Leistung ist offline" in page
    assert "Online beantragen" not in page


def test_nobody_can_start_an_application_for_an_offline_service(client, offline_service):
    response = client.post(
        reverse("services:start", args=[offline_service.slug]),
        {"email": "anna@example.org"},
        follow=True,
    )
    assert "Diese Leistung ist offline." in response.content.decode()
    assert not offline_service.drafts.exists()


def test_a_draft_opened_before_the_service_went_offline_cannot_be_filed(citizen_a):
    service = ServiceFactory()
    draft, _token = services.draft_start(service=service, user=citizen_a)
    service.is_published = False
    service.save(update_fields=["is_published"])
    with pytest.raises(ApplicationError, match="offline"):
        services.case_submit(
            draft=draft,
            applicant_name="Alice",
            applicant_email=citizen_a.email,
            language="de",
            consent=True,
        )
    assert not Case.objects.exists()


def test_open311_no_longer_offers_an_offline_service(client, offline_service):
    codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
    assert offline_service.slug not in codes
    offline_service.is_published = True
    offline_service.save(update_fields=["is_published"])
    codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
    assert offline_service.slug in codes


def test_staff_still_see_an_offline_service_marked_as_offline(client, offline_service):
    client.force_login(UserFactory(email="carla@stadt.example", staff=True, mfa=True))
    catalogue = client.get(reverse("services:index")).content.decode()
    assert "Hundeanmeldung" in catalogue
    assert "Offline (nur für Mitarbeitende sichtbar)" in catalogue
    detail = client.get(offline_service.get_absolute_url())
    assert detail.status_code == 200
    assert "Diese Leistung ist offline" in detail.content.decode()


def test_the_admin_deletes_a_service_nobody_filed_a_case_for(client, administrator):
    service = ServiceFactory()
    assert service.form_versions.exists()
    url = reverse("admin:services_service_delete", args=[service.pk])
    confirm = client.get(url).content.decode()
    assert "geschützte" not in confirm
    assert "Formularversion" in confirm
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not Service.objects.filter(pk=service.pk).exists()
    assert not FormVersion.objects.filter(service_id=service.pk).exists()


def test_the_admin_explains_why_a_service_with_cases_stays(client, administrator):
    case = CaseFactory()
    url = reverse("admin:services_service_delete", args=[case.service.pk])
    page = client.get(url).content.decode()
    assert "kann nicht gelöscht werden: 1 Antrag wurde dafür gestellt" in page
    assert "offline" in page
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the same explanation again, nothing deleted
    assert Service.objects.filter(pk=case.service.pk).exists()
    bulk = client.post(
        reverse("admin:services_service_changelist"),
        {"action": "delete_selected", "_selected_action": [case.service.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert "kann nicht gelöscht werden" in bulk.content.decode()
    assert Service.objects.filter(pk=case.service.pk).exists()
