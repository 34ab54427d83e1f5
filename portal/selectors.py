"""Reads of the site shell that pages and the API share."""

from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from portal.models import User

PERSONAL_DATA_APPS = ("services", "participation", "smartcity")


def user_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the portal stores about a person, for the GDPR Art. 15/20 export.

    Each app of ours contributes its section with ``<app>.selectors.personal_data(user=...)``.
    """
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "departments": sorted(user.departments.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "two_factor_methods": [
            {"type": a.type, "created_at": a.created_at.isoformat()}
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
    }
    for app in PERSONAL_DATA_APPS:
        try:
            module = import_module(f"{app}.selectors")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.selectors":
                raise
            continue
        contribute = getattr(module, "personal_data", None)
        if contribute is not None:
            data[app] = contribute(user=user)
    return data
