"""Editors publish the draft and turn accepted proposals into projects in the admin."""

import pytest
from django.contrib.admin.models import LogEntry

from participation import services
from participation.models import ConceptDocument, Project, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    return staff_with_mfa


def test_the_publish_action_creates_a_version_with_the_drafts_change_note(client, document, editor):
    document.sections.filter(version__isnull=True, key="wlan").update(body="Mehr WLAN.")
    ConceptDocument.objects.filter(pk=document.pk).update(draft_change_note="WLAN ausgebaut")

    response = client.post(
        "/admin/participation/conceptdocument/",
        {"action": "publish", "_selected_action": [document.pk]},
        follow=True,
    )

    assert "Version 2 ist veröffentlicht" in response.content.decode()
    version = document.versions.get(number=2)
    assert version.change_note == "WLAN ausgebaut"
    assert version.published_by == editor
    document.refresh_from_db()
    assert document.draft_change_note == ""
    assert LogEntry.objects.filter(
        object_id=str(document.pk),
        content_type__model="conceptdocument",
        user=editor,
        change_message="Published version 2.",
    ).exists()


def test_publishing_an_unchanged_draft_shows_why_and_creates_nothing(client, document, editor):
    ConceptDocument.objects.filter(pk=document.pk).update(draft_change_note="Nichts")

    response = client.post(
        "/admin/participation/conceptdocument/",
        {"action": "publish", "_selected_action": [document.pk]},
        follow=True,
    )

    assert "unterscheidet sich nicht" in response.content.decode()
    assert document.versions.count() == 1


def test_published_versions_cannot_be_changed_in_the_admin(client, document, editor):
    version = document.versions.get()

    page = client.get(f"/admin/participation/documentversion/{version.pk}/change/")

    assert page.status_code == 200
    assert 'name="change_note"' not in page.content.decode()
    assert (
        client.post(f"/admin/participation/documentversion/{version.pk}/delete/").status_code == 403
    )


def test_an_accepted_proposal_becomes_a_project_by_admin_action(
    client, process, field, citizen_a, editor
):
    proposal = services.proposal_create(
        user=citizen_a, process=process, title="Sensorbank", description="D", field_of_action=field
    )
    client.post(
        f"/admin/participation/proposal/{proposal.pk}/change/",
        {"new_status": "accepted", "reason": "Gute Idee, wir setzen sie um."},
    )
    proposal.refresh_from_db()
    assert proposal.status == "accepted"

    client.post(
        "/admin/participation/proposal/",
        {"action": "make_projects", "_selected_action": [proposal.pk]},
    )

    project = Project.objects.get()
    assert project.proposal == Proposal.objects.get(pk=proposal.pk)
    assert project.title == "Sensorbank"
    assert proposal.events.get().actor == editor  # the status change's own history row
    assert LogEntry.objects.filter(
        object_id=str(proposal.pk),
        content_type__model="proposal",
        user=editor,
        change_message=f"Turned into the project “{project.slug}”.",
    ).exists()
