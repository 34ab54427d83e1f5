"""The Mängelmelder in the browser: report by map click with a photo; the public map shows it
without personal data; staff close it; the public status changes."""

import pytest
from django.contrib.auth.models import Permission

from services import defects
from services.models import DefectReport
from tests.e2e.conftest import login, tab_to
from tests.factories import PASSWORD
from tests.services.test_defects import REPORTER_EMAIL, REPORTER_NAME, report_confirmation_link
from tests.services.test_filing import jpeg_with_gps

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reports_a_defect_by_map_click_and_sees_it_closed(
    page,
    live_server,
    defect_service,
    case_worker,
    tmp_path,
):
    photo = tmp_path / "schlagloch.jpg"
    photo.write_bytes(jpeg_with_gps())

    page.goto("/services/maengel/melden/")
    page.wait_for_load_state("networkidle")
    page.check("input[name=category][value=road]")
    page.click("#defect-map", position={"x": 200, "y": 150})
    assert "Ort gewählt" in page.inner_text("#map-status")
    assert page.input_value("#id_latitude") != ""
    page.fill("textarea[name=description]", "Tiefes Schlagloch")
    page.set_input_files("input[name=photos]", str(photo))
    page.fill("input[name=email]", REPORTER_EMAIL)
    page.fill("input[name=name]", REPORTER_NAME)
    assert page.watch.axe_violations() == []
    page.click("button:has-text('Meldung senden')")
    page.wait_for_load_state()

    found = DefectReport.objects.get()
    assert found.latitude is not None
    assert found.case.attachments.count() == 1
    # Not public before the address is confirmed: the reporter is told so and can get the
    # e-mail again (its link then replaces the first one's).
    main = page.inner_text("main")
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in main
    assert found.case.reference in main
    assert page.watch.axe_violations() == []
    page.goto("/services/maengel/")
    assert found.case.reference not in page.content()
    page.go_back()
    page.click("button:has-text('E-Mail noch einmal senden')")
    page.wait_for_load_state()
    assert "Wir haben die E-Mail noch einmal gesendet" in page.inner_text("main")

    # The link of the newest e-mail, read from the outbox table, and its one button.
    page.goto(report_confirmation_link(found.case.reference))
    assert "Bestätigen und veröffentlichen" in page.inner_text("main")
    assert page.watch.axe_violations() == []
    page.click("button:has-text('Bestätigen und veröffentlichen')")
    page.wait_for_load_state()
    assert f"Ihre Meldung {found.case.reference} ist jetzt öffentlich" in page.inner_text("main")
    assert page.watch.axe_violations() == []
    page.go_back()
    page.reload()
    assert "Dieser Link wurde bereits verwendet" in page.inner_text("main")
    assert page.watch.axe_violations() == []

    page.goto("/services/maengel/")
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert found.case.reference in body
    assert REPORTER_NAME not in body
    assert REPORTER_EMAIL not in body
    assert page.locator(".leaflet-interactive").count() >= 1  # the marker, without any tiles
    assert page.watch.axe_violations() == []

    # A case worker of the responsible department closes it in the back office.
    found.case.department.members.add(case_worker)
    case_worker.user_permissions.add(*Permission.objects.filter(codename="view_case"))
    login(page, case_worker.email, PASSWORD, mfa=True)
    page.goto(f"/admin/services/case/{found.case.pk}/change/")
    assert page.watch.axe_violations() == []
    for status in ("in_progress", "approved"):
        page.select_option("select[name=to_status]", status)
        page.click("button:has-text('Status ändern')")
        page.wait_for_load_state()
    page.fill("input[name=public_note]", "Schlagloch ist verfüllt.")
    page.click("form[action$='/aktion/defect/'] button")
    page.wait_for_load_state()

    page.goto(found.get_absolute_url())
    assert "Behoben" in page.inner_text("main")
    assert "Schlagloch ist verfüllt." in page.inner_text("main")
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
    assert defects.released_photos(report=found).count() == 0


def test_a_neighbour_follows_a_report_and_confirms_by_the_link(page, live_server, defect_service):
    from portal.models import OutgoingEmail
    from tests.services.test_defects import confirmation_link, report

    found = report()
    page.goto(found.get_absolute_url())
    page.fill("input[name=email]", "nachbar@example.org")
    page.click("button:has-text('Folgen')")
    page.wait_for_load_state()
    assert "Bitte bestätigen Sie mit dem Link" in page.inner_text("main")

    page.goto(confirmation_link(OutgoingEmail.objects.get(to=["nachbar@example.org"])))
    assert page.watch.axe_violations() == []
    page.click("button:has-text('Ja, informieren Sie mich')")
    page.wait_for_load_state()

    assert "Sie werden per E-Mail informiert" in page.inner_text("main")
    assert found.followers.get(email="nachbar@example.org").confirmed_at is not None
    assert page.watch.console_errors == []


def test_a_follower_stops_the_emails_with_the_link_of_one_by_keyboard(
    page, live_server, defect_service, case_worker
):
    import re

    from portal.models import OutgoingEmail
    from services import services
    from tests.services.test_defects import report

    found = report()
    found.case.department.members.add(case_worker)
    from services.models import DefectFollower

    DefectFollower.objects.create(
        report=found,
        email="nachbar@example.org",
        language="en",
        confirmed_at=found.case.submitted_at,
    )
    services.case_transition(case=found.case, actor=case_worker, to_status="in_progress")
    update = OutgoingEmail.objects.get(to=["nachbar@example.org"])
    link = re.search(r"https?://[^/\s]+(/\S+/abbestellen/\S+/)", update.body).group(1)

    page.goto(link)
    assert link.startswith("/en/")  # the follower's language
    assert page.watch.axe_violations() == []
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    assert "you will receive no more e-mails about this report" in page.inner_text("main")
    assert not DefectFollower.objects.filter(email="nachbar@example.org").exists()
    assert page.watch.axe_violations() == []
    assert page.watch.console_errors == []
