"""Who a person is to the portal: the roles and the one set of predicates every layer uses.

Views, the admin, DRF permissions, templates and services ask these functions, never
``user.groups`` or ``is_staff`` directly. A role is a Django group of the same name (created by
``portal/migrations/0002_roles``); superusers pass every role check. The roles of a user are read
once per request and cached on the user object.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

VERIFIED = "verified"  # a confirmed e-mail address
STAFF = "staff"  # may log into the administration
SUPERUSER = "superuser"

_CACHE_ATTRIBUTE = "_portal_roles"


class Role(models.TextChoices):
    """The portal's roles. Each is a Django group, created by a data migration."""

    CITIZEN = "citizen", _("Citizen")
    CASE_WORKER = "case_worker", _("Case worker")
    MODERATOR = "moderator", _("Moderator")
    COUNCIL_MEMBER = "council_member", _("Council member")
    OPERATOR = "smartcity_operator", _("Smart-city operator")
    ADMINISTRATOR = "administrator", _("Administrator")


def user_roles(user: Any) -> frozenset[str]:
    """The role names of ``user`` plus the markers ``verified``, ``staff`` and ``superuser``.

    Empty for anonymous and inactive users. Two queries the first time, none after.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        from allauth.account.models import EmailAddress

        names = set(user.groups.values_list("name", flat=True))
        if EmailAddress.objects.filter(user=user, verified=True).exists():
            names.add(VERIFIED)
        if user.is_staff:
            names.add(STAFF)
        if user.is_superuser:
            names.add(SUPERUSER)
        cached = frozenset(names)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def roles_forget(user: Any) -> None:
    """Drop the cached roles (after groups changed during a request or a test)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def has_role(user: Any, role: Role | str) -> bool:
    """Whether ``user`` holds ``role``; superusers hold every role."""
    roles = user_roles(user)
    return SUPERUSER in roles or str(role) in roles


def is_authenticated(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_verified(user: Any) -> bool:
    """An account whose e-mail address is confirmed (may take part in participation)."""
    return VERIFIED in user_roles(user)


def is_staff_member(user: Any) -> bool:
    """May log into the administration (its pages still check their own permissions)."""
    return STAFF in user_roles(user)


def is_administrator(user: Any) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def is_case_worker(user: Any) -> bool:
    return has_role(user, Role.CASE_WORKER)


def is_moderator(user: Any) -> bool:
    return has_role(user, Role.MODERATOR)


def is_council_member(user: Any) -> bool:
    return has_role(user, Role.COUNCIL_MEMBER)


def is_operator(user: Any) -> bool:
    return has_role(user, Role.OPERATOR)


Predicate = Callable[[Any], bool]
# Imported lazily below: this module is loaded with the models, before Django is ready.


def role_required(predicate: Predicate) -> Callable:
    """View decorator: anonymous visitors go to the login, others without the role get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_authenticated(request.user):
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_permission(predicate: Predicate) -> type:
    """A DRF permission class that admits the users ``predicate`` accepts."""
    from rest_framework.permissions import BasePermission

    class RolePermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            return predicate(request.user)

    RolePermission.__name__ = f"Role_{predicate.__name__}"
    return RolePermission
