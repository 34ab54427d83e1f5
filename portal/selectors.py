"""Reads of the site shell that pages and the API share."""

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from portal.models import User

PERSONAL_DATA_APPS = ("services", "participation", "smartcity")


def _app_selectors() -> Iterator[ModuleType]:
    """Each app's ``<app>.selectors``, asked for by name: portal imports no app."""
    for app in PERSONAL_DATA_APPS:
        try:
            yield import_module(f"{app}.selectors")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.selectors":
                raise


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
    for module in _app_selectors():
        contribute = getattr(module, "personal_data", None)
        if contribute is not None:
            data[module.__name__.split(".")[0]] = contribute(user=user)
    return data


def user_contributions(*, user: User) -> list[dict[str, Any]]:
    """The person's own comments, proposals, reports... for the profile page.

    Each app contributes sections ``{"title", "items": [{"text", "url", "status", "detail"}]}``
    with ``<app>.selectors.user_contributions(user=...)``."""
    sections: list[dict[str, Any]] = []
    for module in _app_selectors():
        contribute = getattr(module, "user_contributions", None)
        if contribute is not None:
            sections.extend(contribute(user=user))
    return sections
