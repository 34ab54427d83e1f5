"""The admin: only staff, only through allauth's login, only with MFA."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_staff_without_mfa_are_sent_to_set_it_up(client, staff_without_mfa):
    client.force_login(staff_without_mfa)

    response = client.get("/admin/", follow=True)

    # TOTP set-up, behind a password confirmation as every sensitive account change.
    assert response.redirect_chain[-1][0] in (
        "/accounts/2fa/totp/activate/",
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
    )
    assert "ist die Zwei-Faktor-Authentifizierung Pflicht" in response.content.decode()


def test_staff_with_mfa_reach_the_admin(client, staff_with_mfa):
    client.force_login(staff_with_mfa)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Stadt Castrop-Rauxel – Verwaltung" in response.content.decode()


def test_citizens_are_refused(client, citizen_a):
    client.force_login(citizen_a)

    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/").status_code == 403


def test_staff_cannot_read_or_change_a_second_factor_in_the_admin(client, staff_with_mfa):
    staff_with_mfa.is_superuser = True
    staff_with_mfa.save(update_fields=["is_superuser"])
    client.force_login(staff_with_mfa)
    authenticator = staff_with_mfa.authenticator_set.get()

    page = client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/").content.decode()

    assert authenticator.data["secret"] not in page
    assert client.get("/admin/mfa/authenticator/add/").status_code == 403
