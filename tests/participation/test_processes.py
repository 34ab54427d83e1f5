"""Several processes at once, each phase with its own role permissions set in the admin, and the
page saying why someone cannot act."""

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from participation import rules, services
from participation.models import Comment, Phase, PhaseAction, Process, Proposal
from portal.api import ApplicationError
from tests.participation.conftest import make_process

pytestmark = pytest.mark.django_db


def only(process: Process, kind: str, **granted: list[str]) -> Process:
    """Set the permissions of the phase ``kind``: ``granted`` actions, every other one to nobody."""
    Phase.objects.filter(process=process, kind=kind).update(
        permissions={a: granted.get(a, []) for a in PhaseAction.values}
    )
    return Process.objects.prefetch_related("phases").get(pk=process.pk)


def propose(client, process, field):
    return client.post(
        f"/mitmachen/verfahren/{process.slug}/vorschlaege/neu/",
        {
            "title": "Sensor am Teich",
            "description": "Misst die Wasserqualität.",
            "field_of_action": field.pk,
        },
        follow=True,
    )


def test_two_processes_run_at_once_with_their_own_rules(client, field, citizen_a, council_member):
    open_process = make_process("proposals")
    council_only = only(make_process("proposals"), "proposals", propose=["council_member"])
    now = timezone.now()

    assert rules.can_propose(citizen_a, open_process, now) is True
    assert rules.can_propose(citizen_a, council_only, now) is False
    assert rules.can_propose(council_member, council_only, now) is True

    client.force_login(citizen_a)
    page = client.get(f"/mitmachen/verfahren/{council_only.slug}/vorschlaege/").content.decode()
    assert "In dieser Phase können nur Ratsmitglieder Vorschläge einreichen." in page
    refused = propose(client, council_only, field).content.decode()
    assert "In dieser Phase können nur Ratsmitglieder Vorschläge einreichen." in refused
    assert not council_only.proposals.exists()

    propose(client, open_process, field)
    assert open_process.proposals.get().title == "Sensor am Teich"
    other_list = client.get(f"/mitmachen/verfahren/{council_only.slug}/vorschlaege/")
    assert "Sensor am Teich" not in other_list.content.decode()


def test_the_process_index_sorts_processes_by_their_phases(client):
    running = make_process("commenting")
    finished = make_process()  # every phase lies in the past
    upcoming = Process.objects.create(title="Mobilität 2030", slug="mobilitaet-2030")
    Phase.objects.create(
        process=upcoming,
        kind="commenting",
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=20),
    )

    page = client.get("/mitmachen/verfahren/").content.decode()

    sections = {
        state: page.split(f'id="state-{state}"')[1].split("</section>")[0]
        for state in ("running", "upcoming", "finished")
    }
    assert running.get_absolute_url() in sections["running"]
    assert upcoming.get_absolute_url() in sections["upcoming"]
    assert finished.get_absolute_url() in sections["finished"]
    assert running.get_absolute_url() not in sections["finished"]


def test_the_process_index_does_not_grow_with_processes(client, django_assert_max_num_queries):
    make_process("commenting")
    with django_assert_max_num_queries(6) as few:
        client.get("/mitmachen/verfahren/")
    for _ in range(5):
        make_process("proposals")
    with django_assert_max_num_queries(6) as many:
        assert client.get("/mitmachen/verfahren/").status_code == 200
    assert len(many) == len(few)


def test_a_process_page_shows_its_phases_and_who_may_do_what(client, citizen_a):
    process = only(
        make_process("proposals"), "proposals", comment=["verified"], support=["registered"]
    )
    client.force_login(citizen_a)

    page = client.get(process.get_absolute_url()).content.decode()

    assert process.title in page
    assert "Kommentieren und antworten: Verifizierte Nutzer" in page
    assert "Vorschläge unterstützen: Angemeldete Nutzer (jedes Konto)" in page
    assert (
        "Vorschläge können in der aktuellen Phase dieses Verfahrens nicht eingereicht werden."
        in page
    )
    assert client.get("/mitmachen/verfahren/gibt-es-nicht/").status_code == 404


def test_old_proposal_links_go_on_to_the_concepts_process(client, document, field, citizen_a):
    concept = make_process("proposals", document=document)
    make_process("proposals")  # newer, but not the concept's

    response = client.get("/mitmachen/vorschlaege/?handlungsfeld=infrastruktur&seite=2")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/mitmachen/verfahren/{concept.slug}/vorschlaege/?handlungsfeld=infrastruktur&seite=2"
    )
    client.force_login(citizen_a)
    assert client.get("/mitmachen/vorschlaege/neu/")["Location"] == (
        f"/mitmachen/verfahren/{concept.slug}/vorschlaege/neu/"
    )
    # A form sent to the old address still arrives.
    client.post(
        "/mitmachen/vorschlaege/neu/",
        {"title": "Alte Adresse", "description": "Geht noch.", "field_of_action": field.pk},
    )
    assert concept.proposals.get().title == "Alte Adresse"


def test_a_section_is_discussed_in_the_process_of_its_document(client, document, citizen_a):
    concept = make_process("commenting", document=document)
    make_process()  # a newer process without the document, all phases over
    client.force_login(citizen_a)

    client.post("/mitmachen/konzept/abschnitt/wlan/", {"body": "Bitte auch im Stadtgarten."})

    assert Comment.objects.get().process == concept


def test_the_page_says_who_may_comment_instead_of_hiding_the_form(
    client, document, citizen_a, council_member
):
    process = only(
        make_process("commenting", document=document), "commenting", comment=["council_member"]
    )
    client.force_login(citizen_a)

    page = client.get("/mitmachen/konzept/abschnitt/wlan/").content.decode()
    assert "In dieser Phase können nur Ratsmitglieder kommentieren." in page
    assert 'class="stack comment-form"' not in page

    client.force_login(council_member)
    page = client.get("/mitmachen/konzept/abschnitt/wlan/").content.decode()
    assert 'class="stack comment-form"' in page
    assert rules.can_comment(council_member, process, timezone.now())


def test_an_anonymous_visitor_is_told_to_sign_in(client):
    process = make_process("proposals")

    page = client.get(f"/mitmachen/verfahren/{process.slug}/vorschlaege/").content.decode()

    assert "In dieser Phase können nur verifizierte Nutzer Vorschläge einreichen." in page
    assert "/accounts/login/?next=" in page


# --- Authors and their own contributions -------------------------------------------------------


def test_an_author_cannot_support_their_own_proposal(client, process, field, citizen_a, citizen_b):
    proposal = services.proposal_create(
        user=citizen_a,
        process=process,
        title="Mein Vorschlag",
        description="X",
        field_of_action=field,
    )

    with pytest.raises(
        ApplicationError, match="Sie können Ihren eigenen Vorschlag nicht unterstützen"
    ):
        services.proposal_support(user=citizen_a, proposal=proposal)

    client.force_login(citizen_a)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Sie können Ihren eigenen Vorschlag nicht unterstützen." in page
    assert "/unterstuetzen/" not in page
    response = client.post(f"/mitmachen/vorschlaege/{proposal.pk}/unterstuetzen/", follow=True)
    assert "Sie können Ihren eigenen Vorschlag nicht unterstützen." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.support_count == 0
    assert not proposal.supports.exists()

    client.force_login(citizen_b)
    assert "/unterstuetzen/" in client.get(proposal.get_absolute_url()).content.decode()
    assert services.proposal_support(user=citizen_b, proposal=proposal) is True


def test_an_author_cannot_agree_with_their_own_comment(
    client, process, document, citizen_a, citizen_b
):
    section = document.versions.first().sections.get(key="wlan")
    comment = services.comment_create(
        user=citizen_a, process=process, section=section, body="Mehr WLAN"
    )

    with pytest.raises(
        ApplicationError, match="Sie können Ihrem eigenen Kommentar nicht zustimmen"
    ):
        services.comment_agree(comment=comment, user=citizen_a)

    client.force_login(citizen_a)
    page = client.get("/mitmachen/konzept/abschnitt/wlan/").content.decode()
    assert "Sie können Ihrem eigenen Kommentar nicht zustimmen." in page
    assert f"/kommentare/{comment.pk}/zustimmen/" not in page
    response = client.post(f"/mitmachen/kommentare/{comment.pk}/zustimmen/", follow=True)
    assert "Sie können Ihrem eigenen Kommentar nicht zustimmen." in response.content.decode()
    assert not comment.reactions.exists()

    client.force_login(citizen_b)
    assert (
        f"/kommentare/{comment.pk}/zustimmen/"
        in client.get("/mitmachen/konzept/abschnitt/wlan/").content.decode()
    )
    assert services.comment_agree(comment=comment, user=citizen_b) is True


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def editor(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    return staff_with_mfa


def phase_form(process: Process, phases: list[Phase], **extra) -> dict:
    """The admin's change form of ``process`` as the browser sends it, with ``extra`` on top."""
    data = {
        "title_de": process.title,
        "slug": process.slug,
        "description_de": process.description,
        "moderation": process.moderation,
        "support_threshold": process.support_threshold,
        "phases-TOTAL_FORMS": len(phases),
        "phases-INITIAL_FORMS": sum(1 for p in phases if p.pk),
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
    }
    for n, phase in enumerate(phases):
        local = timezone.localtime
        data.update(
            {
                f"phases-{n}-id": phase.pk or "",
                f"phases-{n}-process": process.pk,
                f"phases-{n}-kind": phase.kind,
                f"phases-{n}-starts_at": local(phase.starts_at).strftime("%Y-%m-%d %H:%M"),
                f"phases-{n}-ends_at": local(phase.ends_at).strftime("%Y-%m-%d %H:%M"),
                f"phases-{n}-description_de": phase.description,
            }
        )
        if phase.pk:
            for action, roles in phase.effective_permissions().items():
                data[f"phases-{n}-may_{action}"] = roles
    data.update(extra)
    return data


def test_a_permission_changed_in_the_admin_changes_what_a_citizen_may_do(
    client, editor, field, citizen_a
):
    process = make_process("proposals")
    phases = list(process.phases.all())
    n = next(i for i, p in enumerate(phases) if p.kind == "proposals")
    url = f"/admin/participation/process/{process.pk}/change/"
    page = client.get(url).content.decode()
    assert f'name="phases-{n}-may_propose" value="verified"' in page  # today's rule, ticked

    response = client.post(
        url, phase_form(process, phases, **{f"phases-{n}-may_propose": ["council_member"]})
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    process = Process.objects.prefetch_related("phases").get(pk=process.pk)
    assert process.phase_of("proposals").permissions["propose"] == ["council_member"]
    assert rules.can_propose(citizen_a, process, timezone.now()) is False
    client.force_login(citizen_a)
    assert "nur Ratsmitglieder" in propose(client, process, field).content.decode()
    assert not Proposal.objects.exists()
    assert process.phase_of("proposals").history.count() == 2  # the change is on record


def test_a_new_phase_in_the_admin_gets_the_default_rules_of_its_kind(client, editor, citizen_a):
    process = Process.objects.create(title="Bürgerhaushalt", slug="buergerhaushalt")
    now = timezone.now()
    new = Phase(
        process=process,
        kind="proposals",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=9),
    )

    response = client.post(
        f"/admin/participation/process/{process.pk}/change/", phase_form(process, [new])
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    phase = process.phases.get()
    assert phase.permissions == {
        "comment": ["verified"],
        "react": ["verified"],
        "propose": ["verified"],
        "support": ["verified"],
        "answer_survey": [],
    }
    process = Process.objects.prefetch_related("phases").get(pk=process.pk)
    assert rules.can_propose(citizen_a, process, now) is True


def test_existing_phases_get_the_former_rules_by_the_data_migration():
    import importlib

    migration = importlib.import_module("participation.migrations.0008_phase_permissions_defaults")
    process = make_process("commenting", "survey")

    migration.forwards(django_apps, None)

    stored = {p.kind: p.permissions for p in Phase.objects.filter(process=process)}
    assert stored["commenting"] == {
        "comment": ["verified"],
        "react": ["verified"],
        "propose": [],
        "support": ["verified"],
        "answer_survey": [],
    }
    assert stored["survey"]["answer_survey"] == ["verified"]
    assert stored["information"] == {action: [] for action in PhaseAction.values}


def test_a_survey_follows_the_rules_of_its_own_process(client, citizen_a):
    from tests.participation.test_surveys import form_data, make_survey

    open_survey = make_survey(make_process("survey"))
    council_survey = make_survey(
        only(make_process("survey"), "survey", answer_survey=["council_member"])
    )
    client.force_login(citizen_a)

    page = client.get(council_survey.get_absolute_url()).content.decode()
    assert "In dieser Phase können nur Ratsmitglieder an Umfragen teilnehmen." in page
    assert client.post(
        council_survey.get_absolute_url(), form_data(council_survey)
    ).status_code == (403)
    assert not council_survey.responses.exists()

    response = client.post(open_survey.get_absolute_url(), form_data(open_survey))
    assert response["Location"] == open_survey.process.get_absolute_url()
    assert open_survey.responses.get().user == citizen_a


def test_a_process_page_does_not_grow_with_phases(client, citizen_a, django_assert_max_num_queries):
    process = make_process("proposals")
    client.force_login(citizen_a)
    with django_assert_max_num_queries(14) as few:
        assert client.get(process.get_absolute_url()).status_code == 200
    Phase.objects.filter(process=process, kind="evaluation").delete()
    more = Process.objects.create(title="Zweites Verfahren", slug="zweites")
    for kind in ("commenting", "survey"):
        Phase.objects.create(
            process=more,
            kind=kind,
            starts_at=timezone.now() - timedelta(days=1),
            ends_at=timezone.now() + timedelta(days=1),
        )
    with django_assert_max_num_queries(14) as other:
        assert client.get(more.get_absolute_url()).status_code == 200
    assert len(other) == len(few)
