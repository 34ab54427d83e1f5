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

_CACHE_ATTRIBUTE = "_portal_roles"
_VERIFIED_ATTRIBUTE = "_portal_verified"
_MFA_ATTRIBUTE = "_portal_mfa"


class Role(models.TextChoices):
    """The portal's roles. Each is a Django group, created by a data migration."""

    CITIZEN = "citizen", _("Citizen")
    CASE_WORKER = "case_worker", _("Case worker")
    MODERATOR = "moderator", _("Moderator")
    COUNCIL_MEMBER = "council_member", _("Council member")
    OPERATOR = "smartcity_operator", _("Smart-city operator")
    TOUR_EDITOR = "tour_editor", _("City tours")
    PUBLIC_RELATIONS = "public_relations", _("Public relations")
    ADMINISTRATOR = "administrator", _("Administrator")


def user_roles(user: Any) -> frozenset[str]:
    """The role (group) names of ``user``; empty for anonymous and inactive users.

    One query the first time, none after (cached on the user object).
    """
    if not is_authenticated(user):
        return frozenset()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def roles_forget(user: Any) -> None:
    """Drop the cached roles (after groups changed during a request or a test)."""
    for attribute in (_CACHE_ATTRIBUTE, _VERIFIED_ATTRIBUTE, _MFA_ATTRIBUTE):
        if hasattr(user, attribute):
            delattr(user, attribute)


def has_role(user: Any, role: Role | str) -> bool:
    """Whether ``user`` holds ``role``; superusers hold every role."""
    return is_superuser(user) or str(role) in user_roles(user)


def is_authenticated(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_superuser(user: Any) -> bool:
    return is_authenticated(user) and user.is_superuser


def is_verified(user: Any) -> bool:
    """An account whose e-mail address is confirmed (may take part in participation).

    One query the first time, none after (cached on the user object).
    """
    if not is_authenticated(user):
        return False
    cached = getattr(user, _VERIFIED_ATTRIBUTE, None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        setattr(user, _VERIFIED_ATTRIBUTE, cached)
    return cached


def is_staff_member(user: Any) -> bool:
    """May log into the administration (its pages still check their own permissions)."""
    return is_authenticated(user) and user.is_staff


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


def is_tour_editor(user: Any) -> bool:
    return has_role(user, Role.TOUR_EDITOR)


def is_public_relations(user: Any) -> bool:
    return has_role(user, Role.PUBLIC_RELATIONS)


# Roles that open staff pages (the admin, moderation, the operators' dashboards): whoever holds
# one needs a second factor, as staff do for the admin.
STAFF_ROLES = frozenset(
    {
        Role.CASE_WORKER,
        Role.MODERATOR,
        Role.COUNCIL_MEMBER,
        Role.OPERATOR,
        Role.TOUR_EDITOR,
        Role.PUBLIC_RELATIONS,
        Role.ADMINISTRATOR,
    }
)


def holds_staff_role(user: Any) -> bool:
    """Staff, superusers and holders of a staff role (everyone but citizens)."""
    return (
        is_staff_member(user)
        or is_superuser(user)
        or bool(user_roles(user) & {str(role) for role in STAFF_ROLES})
    )


def mfa_missing(user: Any) -> bool:
    """A holder of a staff role without a second factor (with ADMIN_MFA_REQUIRED on).

    One query the first time, none after (cached on the user object).
    """
    from django.conf import settings

    if not settings.ADMIN_MFA_REQUIRED or not holds_staff_role(user):
        return False
    cached = getattr(user, _MFA_ATTRIBUTE, None)
    if cached is None:
        from allauth.mfa.utils import is_mfa_enabled

        cached = is_mfa_enabled(user)
        setattr(user, _MFA_ATTRIBUTE, cached)
    return not cached


def mfa_setup_redirect(request):
    """Send a staff member without a second factor to set one up, saying why."""
    from django.contrib import messages
    from django.shortcuts import redirect

    messages.warning(
        request,
        _(
            "The administration requires two-factor authentication. "
            "Please set up an authenticator app first."
        ),
        fail_silently=True,
    )
    return redirect("mfa_activate_totp")


def users_with_role(role: Role | str) -> models.QuerySet:
    """Active accounts that hold ``role`` (superusers included): recipients of role e-mails."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(models.Q(groups__name=str(role)) | models.Q(is_superuser=True))
        .distinct()
    )


Predicate = Callable[[Any], bool]
# Imported lazily below: this module is loaded with the models, before Django is ready.


def role_required(predicate: Predicate) -> Callable:
    """View decorator: anonymous visitors go to the login, others without the role get 403,
    and holders of a staff role without a second factor are sent to set one up first."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_authenticated(request.user):
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            if mfa_missing(request.user):
                return mfa_setup_redirect(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_permission(predicate: Predicate) -> type:
    """A DRF permission class that admits the users ``predicate`` accepts (staff roles only
    with a second factor)."""
    from rest_framework.permissions import BasePermission

    class RolePermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            return predicate(request.user) and not mfa_missing(request.user)

    RolePermission.__name__ = f"Role_{predicate.__name__}"
    return RolePermission
