"""Proposals: creating, supporting (one per account), the review threshold, statuses, projects."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from participation import services
from participation.models import Project, Proposal, ProposalSupport
from portal.api import ApplicationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make(process, author, field, **kw):
    return services.proposal_create(
        user=author,
        process=process,
        title=kw.pop("title", "Bänke mit Ladebuchse"),
        description="Solarbänke im Stadtgarten.",
        field_of_action=field,
        **kw,
    )


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, format="PNG")
    return out.getvalue()


def test_a_citizen_makes_a_proposal_with_place_and_image(client, process, field, citizen_a):
    client.force_login(citizen_a)

    response = client.post(
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/neu/",
        {
            "title": "Trinkbrunnen mit Sensor",
            "description": "Zeigt die Wasserqualität an.",
            "field_of_action": field.pk,
            "latitude": "51.5523",
            "longitude": "7.3116",
            "image": SimpleUploadedFile("bild.png", png_bytes(), content_type="image/png"),
        },
    )

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == proposal.get_absolute_url()
    assert proposal.author == citizen_a
    assert proposal.image_type == "png"
    assert proposal.image.read().startswith(b"\x89PNG")
    page = client.get(response.url).content.decode()
    assert "Trinkbrunnen mit Sensor" in page
    assert "Bild zum Vorschlag „Trinkbrunnen mit Sensor“" in page
    image = client.get(f"/mitmachen/vorschlaege/{proposal.pk}/bild/")
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_an_image_that_is_not_one_is_refused_with_a_message(client, process, field, citizen_a):
    client.force_login(citizen_a)

    response = client.post(
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/neu/",
        {
            "title": "Titel",
            "description": "Text",
            "field_of_action": field.pk,
            "image": SimpleUploadedFile("bild.png", b"MZ\x90\x00 not a png", "image/png"),
        },
    )

    assert response.status_code == 200
    assert "hat kein erlaubtes Format (JPEG, PNG)" in response.content.decode()
    assert not Proposal.objects.exists()


def test_half_a_location_is_refused(client, process, field, citizen_a):
    client.force_login(citizen_a)

    response = client.post(
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/neu/",
        {"title": "T", "description": "D", "field_of_action": field.pk, "latitude": "51.55"},
    )

    assert "Breiten- und Längengrad" in response.content.decode()
    assert not Proposal.objects.exists()


def test_one_support_per_account_is_enforced_by_the_database(process, field, citizen_a, citizen_b):
    proposal = make(process, citizen_a, field)
    ProposalSupport.objects.create(user=citizen_b, proposal=proposal)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalSupport.objects.create(user=citizen_b, proposal=proposal)


def test_supporting_twice_counts_once(client, process, field, citizen_a, citizen_b):
    proposal = make(process, citizen_a, field)
    client.force_login(citizen_b)

    client.post(f"/mitmachen/vorschlaege/{proposal.pk}/unterstuetzen/")
    response = client.post(f"/mitmachen/vorschlaege/{proposal.pk}/unterstuetzen/", follow=True)

    proposal.refresh_from_db()
    assert proposal.support_count == 1 == proposal.supports.count()
    assert "Sie unterstützen diesen Vorschlag bereits." in response.content.decode()


def test_reaching_the_threshold_moves_the_proposal_to_review_and_tells_the_author(
    process, field, citizen_a, django_capture_on_commit_callbacks
):
    proposal = make(process, citizen_a, field)  # threshold 3
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            supporter = UserFactory(email=f"u{n}@example.org")
            services.proposal_support(user=supporter, proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.status == "under_review"
    assert proposal.events.get().to_status == "under_review"
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "In Prüfung" in mail.outbox[0].subject


def test_anonymous_visitors_cannot_support(client, process, field, citizen_a):
    proposal = make(process, citizen_a, field)

    response = client.post(f"/mitmachen/vorschlaege/{proposal.pk}/unterstuetzen/")

    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not proposal.supports.exists()


def test_proposals_outside_the_proposal_phase_are_refused(document, field, citizen_a):
    from tests.participation.conftest import make_process

    with pytest.raises(PermissionDenied):
        make(make_process("commenting", document=document), citizen_a, field)


def test_a_rejection_needs_a_reason_which_the_page_shows(
    client, process, field, citizen_a, moderator
):
    proposal = make(process, citizen_a, field)

    with pytest.raises(ApplicationError):
        services.proposal_transition(proposal=proposal, actor=moderator, to_status="rejected")
    services.proposal_transition(
        proposal=proposal, actor=moderator, to_status="rejected", reason="Zu teuer."
    )

    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Abgelehnt" in page
    assert "Zu teuer." in page


def test_an_accepted_proposal_becomes_a_project_that_keeps_its_link(
    client, process, field, citizen_a, moderator
):
    proposal = make(process, citizen_a, field)
    with pytest.raises(ApplicationError):
        services.proposal_to_project(proposal=proposal, actor=moderator, responsible_office="IT")
    services.proposal_transition(proposal=proposal, actor=moderator, to_status="accepted")

    project = services.proposal_to_project(
        proposal=proposal, actor=moderator, responsible_office="Stabsstelle Digitalisierung"
    )

    assert project.proposal == proposal
    assert project.status == "planned"
    assert project.get_absolute_url() in client.get(proposal.get_absolute_url()).content.decode()
    assert proposal.get_absolute_url() in client.get(project.get_absolute_url()).content.decode()
    with pytest.raises(ApplicationError):
        services.proposal_to_project(proposal=proposal, actor=moderator, responsible_office="IT")
    assert Project.objects.count() == 1


def test_citizens_cannot_change_a_proposals_status(process, field, citizen_a, citizen_b):
    proposal = make(process, citizen_a, field)

    with pytest.raises(PermissionDenied):
        services.proposal_transition(proposal=proposal, actor=citizen_b, to_status="accepted")


def test_followers_of_the_process_hear_of_a_new_proposal_once(
    process, field, citizen_a, citizen_b, django_capture_on_commit_callbacks
):
    from participation.models import Follow
    from participation.services import notifications

    Follow.objects.create(user=citizen_b, process=process)
    Follow.objects.create(user=citizen_a, process=process)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        proposal = make(process, citizen_a, field, title="Bücherschrank mit QR-Code")

    assert [m.to for m in mail.outbox] == [["bob@example.org"]]  # not the author
    assert "Bücherschrank mit QR-Code" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.proposal_created_notify(proposal=proposal) == 0
    assert len(mail.outbox) == 1


def test_an_image_error_is_shown_at_the_image_field_in_german(client, process, field, citizen_a):
    """The view finds the field by the error's code, not by an English word in its text."""
    client.force_login(citizen_a)

    response = client.post(
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/neu/",
        {
            "title": "Titel",
            "description": "Text",
            "field_of_action": field.pk,
            "image": SimpleUploadedFile("bild.png", b"MZ\x90\x00 not a png", "image/png"),
        },
    )

    form = response.context["form"]
    assert form.errors["image"] == ["Die Datei „bild.png“ hat kein erlaubtes Format (JPEG, PNG)."]
    assert not form.non_field_errors()
    assert not Proposal.objects.exists()


def test_a_decompression_bomb_is_refused_as_a_proposal_image(client, process, field, citizen_a):
    from tests.factories import BOMB_REFUSED, bomb_png

    client.force_login(citizen_a)

    response = client.post(
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/neu/",
        {
            "title": "Titel",
            "description": "Text",
            "field_of_action": field.pk,
            "image": SimpleUploadedFile("bombe.png", bomb_png(), content_type="image/png"),
        },
    )

    assert response.status_code == 200
    assert f"Das Bild „bombe.png“ {BOMB_REFUSED}" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_proposal_image_is_shown_only_as_the_image_it_is(
    process, field, citizen_a, client, media
):
    from django.core.files.base import ContentFile

    image = SimpleUploadedFile("bild.png", png_bytes(), content_type="image/png")
    proposal = make(process, citizen_a, field, image=image)
    url = f"/mitmachen/vorschlaege/{proposal.pk}/bild/"

    shown = client.get(url)
    proposal.image.save("x.png", ContentFile(b"<html><script>alert(1)</script>"))
    swapped = client.get(url)

    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline;")
    assert shown["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert swapped["Content-Type"] == "application/octet-stream"
    assert swapped["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "http://testserver/x"],
)
def test_supporting_never_redirects_to_another_site(
    client, process, field, citizen_a, citizen_b, target
):
    proposal = make(process, citizen_a, field)
    client.force_login(citizen_b)

    response = client.post(
        f"/mitmachen/vorschlaege/{proposal.pk}/unterstuetzen/", {"next": target}, secure=True
    )

    # Off-site targets and a plain-HTTP target from an HTTPS page land on the proposal itself.
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()


def test_supporting_returns_to_a_page_of_this_site(client, process, field, citizen_a, citizen_b):
    proposal = make(process, citizen_a, field)
    client.force_login(citizen_b)

    response = client.post(
        f"/mitmachen/vorschlaege/{proposal.pk}/unterstuetzen/", {"next": "/mitmachen/vorschlaege/"}
    )

    assert response["Location"] == "/mitmachen/vorschlaege/"
