"""Every staff role needs a second factor, not only case workers in the admin: moderators and
smart-city operators without one are sent to set it up before they see their pages."""

import pytest
from django.contrib.auth.models import Group

from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MFA_SETUP = (
    "/accounts/2fa/totp/activate/",
    "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
)
MFA_MESSAGE = "ist die Zwei-Faktor-Authentifizierung Pflicht"


def person(role: Role, *, mfa: bool):
    user = UserFactory(email=f"{role.value}@stadt.example", mfa=mfa)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (Role.MODERATOR, "/mitmachen/moderation/"),
        (Role.OPERATOR, "/smartcity/betrieb/"),
        (Role.OPERATOR, "/smartcity/betrieb/alarme/"),
    ],
)
def test_a_staff_role_without_a_second_factor_is_sent_to_set_it_up(client, role, page):
    client.force_login(person(role, mfa=False))

    response = client.get(page, follow=True)

    assert response.redirect_chain[0][0] == "/accounts/2fa/totp/activate/"
    assert response.redirect_chain[-1][0] in MFA_SETUP
    assert MFA_MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    ("role", "page"),
    [(Role.MODERATOR, "/mitmachen/moderation/"), (Role.OPERATOR, "/smartcity/betrieb/")],
)
def test_a_staff_role_with_a_second_factor_reaches_its_pages(client, role, page):
    client.force_login(person(role, mfa=True))

    assert client.get(page).status_code == 200


def test_an_operator_without_a_second_factor_cannot_acknowledge_alarms(client):
    client.force_login(person(Role.OPERATOR, mfa=False))

    response = client.post("/smartcity/betrieb/alarme/1/bestaetigen/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_citizens_still_get_403_not_the_mfa_setup(client, citizen_a):
    client.force_login(citizen_a)

    assert client.get("/mitmachen/moderation/").status_code == 403
    assert client.get("/smartcity/betrieb/").status_code == 403
