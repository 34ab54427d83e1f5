"""A case worker processes a case in the browser: opens it, asks for documents, approves it."""

import pytest
from django.contrib.auth.models import Permission

from services import notifications
from services.models import AccessLog, CaseStatus
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.services.factories import CaseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_case_worker_asks_for_documents_and_approves(
    page, live_server, citizen_a, case_worker, tax_office
):
    case = CaseFactory(applicant=citizen_a, department=tax_office, in_progress=True)
    notifications.receipt_build(case_id=case.pk)
    case_worker.user_permissions.add(*Permission.objects.filter(codename="view_case"))

    login(page, case_worker.email, PASSWORD, mfa=True)
    page.goto("/admin/services/case/")
    page.click(f"a:has-text('{case.reference}')")
    page.wait_for_load_state()
    assert "Bello" in page.inner_text("#content")
    assert page.watch.axe_violations() == []

    page.fill("textarea[name=body]", "Bitte senden Sie den Impfnachweis.")
    page.check("input[name=requests_documents]")
    page.click("button:has-text('Nachricht senden')")
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING

    page.select_option("select[name=to_status]", "in_progress")
    page.click("button:has-text('Status ändern')")
    page.wait_for_load_state()
    page.select_option("select[name=to_status]", "approved")
    page.fill("textarea[name=note]", "Der Hund ist angemeldet.")
    page.click("button:has-text('Status ändern')")
    page.wait_for_load_state()

    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert "Genehmigt" in page.inner_text("#content")
    assert AccessLog.objects.filter(user=case_worker, case=case, action="view_case").exists()
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
