"""What each role may do in each phase: the permission table of the participation platform."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from participation import rules
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
