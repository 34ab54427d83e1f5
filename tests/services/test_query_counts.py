"""List pages keep a constant number of queries, however many rows they show."""

import pytest

from services import defects
from tests.services.factories import CaseFactory, ServiceFactory
from tests.services.test_defects import report

pytestmark = pytest.mark.django_db


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_catalogue_does_not_grow_with_services(client, django_assert_max_num_queries):
    ServiceFactory()
    few = count_queries(client, "/services/", django_assert_max_num_queries, 10)
    for _ in range(10):
        ServiceFactory()

    assert count_queries(client, "/services/", django_assert_max_num_queries, 10) == few


def test_my_requests_does_not_grow_with_cases(client, citizen_a, django_assert_max_num_queries):
    client.force_login(citizen_a)
    CaseFactory(applicant=citizen_a)
    few = count_queries(client, "/services/antraege/", django_assert_max_num_queries, 12)
    for _ in range(10):
        CaseFactory(applicant=citizen_a)

    assert count_queries(client, "/services/antraege/", django_assert_max_num_queries, 12) == few


def test_the_defect_list_and_map_data_do_not_grow(
    client, defect_service, django_assert_max_num_queries
):
    report()
    few_list = count_queries(client, "/services/maengel/", django_assert_max_num_queries, 10)
    few_map = count_queries(
        client, "/services/maengel/karte.json", django_assert_max_num_queries, 5
    )
    for n in range(10):
        report(latitude=51.55 + n / 1000)

    assert (
        count_queries(client, "/services/maengel/", django_assert_max_num_queries, 10) == few_list
    )
    assert (
        count_queries(client, "/services/maengel/karte.json", django_assert_max_num_queries, 5)
        == few_map
    )
    assert len(defects.public_reports()) == 11


def test_open311_requests_do_not_grow(client, defect_service, django_assert_max_num_queries):
    report()
    url = "/open311/v2/requests.json"
    few = count_queries(client, url, django_assert_max_num_queries, 6)
    for n in range(10):
        report(latitude=51.55 + n / 1000)

    assert count_queries(client, url, django_assert_max_num_queries, 6) == few


def test_the_admin_case_list_does_not_grow_with_cases(
    client, case_worker, tax_office, django_assert_max_num_queries
):
    from django.contrib.auth.models import Permission

    case_worker.user_permissions.add(*Permission.objects.filter(codename="view_case"))
    client.force_login(case_worker)
    service = ServiceFactory(department=tax_office)
    CaseFactory(service=service, assigned_to=case_worker)
    few = count_queries(client, "/admin/services/case/", django_assert_max_num_queries, 20)
    for n in range(10):
        CaseFactory(service=service, overdue=n % 2 == 0, assigned_to=case_worker if n % 3 else None)

    assert count_queries(client, "/admin/services/case/", django_assert_max_num_queries, 20) == few
