"""A citizen withdraws a request in two steps that work without JavaScript: the case page links
to a confirmation page, and only that page's form withdraws."""

import pytest

from services.models import CaseStatus
from tests.services.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_of_a(citizen_a):
    return CaseFactory(applicant=citizen_a)  # received, not yet decided


def url(case):
    return f"/services/antraege/{case.reference}/zurueckziehen/"


def test_the_case_page_links_to_the_confirmation_instead_of_withdrawing(client, case_of_a):
    client.force_login(case_of_a.applicant)

    page = client.get(f"/services/antraege/{case_of_a.reference}/").content.decode()

    assert f'href="{url(case_of_a)}"' in page
    assert f'action="{url(case_of_a)}"' not in page


def test_the_confirmation_page_asks_first_and_changes_nothing(client, case_of_a):
    client.force_login(case_of_a.applicant)

    response = client.get(url(case_of_a))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Möchten Sie diesen Antrag wirklich zurückziehen?" in page
    assert "kann nicht rückgängig gemacht werden" in page
    assert case_of_a.reference in page
    assert "Antrag zurückziehen" in page
    assert f'href="/services/antraege/{case_of_a.reference}/">' in page  # "Abbrechen"
    assert "Abbrechen" in page
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.RECEIVED
    assert not case_of_a.events.filter(to_status=CaseStatus.WITHDRAWN).exists()


def test_the_confirmation_page_speaks_english_too(client, case_of_a):
    client.force_login(case_of_a.applicant)

    page = client.get("/en" + url(case_of_a)).content.decode()

    assert "Do you really want to withdraw this request?" in page
    assert "Withdrawing cannot be undone." in page


def test_a_post_without_the_confirmation_withdraws_nothing(client, case_of_a):
    client.force_login(case_of_a.applicant)

    response = client.post(url(case_of_a))

    assert "Bitte bestätigen Sie" in response.content.decode()
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.RECEIVED


def test_the_confirmed_post_withdraws_the_request(client, case_of_a):
    client.force_login(case_of_a.applicant)

    response = client.post(url(case_of_a), {"confirm": "yes"}, follow=True)

    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.WITHDRAWN
    assert response.redirect_chain[-1][0] == f"/services/antraege/{case_of_a.reference}/"
    assert "Ihr Antrag wurde zurückgezogen." in response.content.decode()
    assert case_of_a.events.filter(to_status=CaseStatus.WITHDRAWN).count() == 1


def test_the_confirmation_needs_the_csrf_token(case_of_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(case_of_a.applicant)

    response = client.post(url(case_of_a), {"confirm": "yes"})

    assert response.status_code == 403
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.RECEIVED


def test_another_citizen_can_neither_see_nor_withdraw_the_request(client, case_of_a, citizen_b):
    client.force_login(citizen_b)

    assert client.get(url(case_of_a)).status_code == 404
    assert client.post(url(case_of_a), {"confirm": "yes"}).status_code == 404
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.RECEIVED


def test_a_signed_out_visitor_is_sent_to_sign_in(client, case_of_a):
    response = client.post(url(case_of_a), {"confirm": "yes"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    case_of_a.refresh_from_db()
    assert case_of_a.status == CaseStatus.RECEIVED


def test_a_decided_request_cannot_be_withdrawn_nor_offered_for_it(client, citizen_a):
    decided = CaseFactory(applicant=citizen_a, approved=True, reference="CR-2026-000555")
    client.force_login(citizen_a)

    detail = client.get(f"/services/antraege/{decided.reference}/").content.decode()
    confirm = client.get(url(decided), follow=True)
    post = client.post(url(decided), {"confirm": "yes"}, follow=True)

    assert url(decided) not in detail
    assert "kann nicht mehr zurückgezogen werden" in confirm.content.decode()
    assert "kann nicht mehr zurückgezogen werden" in post.content.decode()
    decided.refresh_from_db()
    assert decided.status == CaseStatus.APPROVED
