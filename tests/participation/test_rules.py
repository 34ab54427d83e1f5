"""What each role may do in each phase: the permission table of the participation platform."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from participation import rules
from participation.models import Phase, PhaseAction, PhaseRole, Process
from tests.factories import UserFactory
from tests.participation.conftest import ALL_KINDS, make_process

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "citizen", "moderator", "council_member", "staff"]
VERIFIED = {"citizen", "moderator", "council_member", "staff"}

# predicate -> phases in which a verified account may do it
BY_PHASE = {
    "can_comment": {"commenting", "proposals"},
    "can_react": {"commenting", "proposals"},
    "can_propose": {"proposals"},
    "can_support": {"commenting", "proposals"},
    "can_answer_survey": {"survey"},
}


def person(role: str, request):
    if role == "anonymous":
        return AnonymousUser()
    if role == "unverified":
        user = UserFactory(email="neu@example.org")
        EmailAddress.objects.filter(user=user).update(verified=False)
        return user
    if role == "citizen":
        return request.getfixturevalue("citizen_a")
    if role == "staff":
        return UserFactory(email="amt@stadt.example", staff=True)
    return request.getfixturevalue(role)


@pytest.mark.parametrize("phase", [*ALL_KINDS, None])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("predicate", sorted(BY_PHASE))
def test_the_role_may_act_only_in_its_phases(predicate, role, phase, request):
    user = person(role, request)
    process = make_process(*([phase] if phase else []))

    allowed = getattr(rules, predicate)(user, process, timezone.now())

    assert allowed == (role in VERIFIED and phase in BY_PHASE[predicate])


@pytest.mark.parametrize("phase", [*ALL_KINDS, None])
@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_moderate_in_every_phase(role, phase, request):
    user = person(role, request)
    process = make_process(*([phase] if phase else []))

    assert rules.can_moderate(user) == (role == "moderator")
    assert rules.can_reply(user, process, timezone.now()) == (
        role == "moderator" or (role in VERIFIED and phase in BY_PHASE["can_comment"])
    )


@pytest.mark.parametrize("role", ROLES)
def test_survey_results_are_public_only_after_the_survey_phase(role, request):
    user = person(role, request)
    running = make_process("survey")
    over = make_process("evaluation")  # the survey phase lies in the past
    insiders = {"moderator", "council_member", "staff"}

    assert rules.can_see_results(user, running, timezone.now()) == (role in insiders)
    assert rules.can_see_results(user, over, timezone.now()) is True
    assert rules.can_export_results(user) == (role == "staff")


def test_a_phase_ends_at_its_end_date():
    process = make_process("commenting")
    phase = process.phase_of("commenting")

    assert rules.can_comment(UserFactory(), process, phase.ends_at) is False
    assert rules.can_comment(UserFactory(), process, phase.starts_at) is True


# --- Configured permissions: a phase admits exactly the roles it grants -------------------------

# role -> the PhaseRole values a person of that role holds
HOLDS = {
    "anonymous": set(),
    "unverified": {"registered"},
    "citizen": {"registered", "verified"},
    "moderator": {"registered", "verified", "moderator"},
    "council_member": {"registered", "verified", "council_member"},
    "staff": {"registered", "verified"},
}
ACTION_OF = {
    "can_comment": "comment",
    "can_react": "react",
    "can_propose": "propose",
    "can_support": "support",
    "can_answer_survey": "answer_survey",
}


def configured(kind: str, **granted: list[str]):
    """A process whose phase ``kind`` runs now and grants ``granted`` (nothing else)."""
    process = make_process(kind)
    Phase.objects.filter(process=process, kind=kind).update(
        permissions={a: granted.get(a, []) for a in PhaseAction.values}
    )
    return Process.objects.prefetch_related("phases").get(pk=process.pk)


@pytest.mark.parametrize("granted", [r.value for r in PhaseRole])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("predicate", sorted(ACTION_OF))
def test_a_configured_phase_admits_exactly_the_roles_it_grants(predicate, role, granted, request):
    user = person(role, request)
    # The information phase grants nothing by default: everything here is configured.
    process = configured("information", **{ACTION_OF[predicate]: [granted]})

    allowed = getattr(rules, predicate)(user, process, timezone.now())

    assert allowed == (granted in HOLDS[role])
    assert (rules.refusal(user, process, ACTION_OF[predicate], timezone.now()) == "") == allowed


def test_a_configured_default_phase_can_grant_nothing(citizen_a):
    process = configured("commenting")

    assert rules.can_comment(citizen_a, process, timezone.now()) is False
    assert rules.refusal(citizen_a, process, "comment", timezone.now()) == (
        "In der aktuellen Phase dieses Verfahrens sind keine Kommentare möglich."
    )


def test_a_refusal_names_the_roles_that_may_act(request):
    unverified = person("unverified", request)
    process = configured("proposals", propose=["verified", "council_member"])

    assert rules.refusal(unverified, process, "propose", timezone.now()) == (
        "In dieser Phase können nur verifizierte Nutzer oder Ratsmitglieder Vorschläge einreichen."
    )
