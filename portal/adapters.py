"""allauth customised by adapter, as the style guide asks: no copied views."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils import translation

from portal import ratelimit, services


def _login(credentials: dict) -> str:
    return credentials.get("email", credentials.get("username", "")) or ""


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The language the citizen signed up in is the language of their e-mails.
        user.language = translation.get_language() or user.language
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.user_assign_default_role(user=user)
        return user

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth's per-key limit of failed sign-ins ("5/5m/key") counts per (IP, account)
        # pair, not per account: wrong passwords from elsewhere never lock the owner out.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{ratelimit.client_ip(request)}|{key}"

    def pre_authenticate(self, request, **credentials):
        # Past the account's allowance of failures across all IPs, an unknown IP waits.
        wait = ratelimit.login_wait(request, login=_login(credentials))
        if wait:
            raise forms.ValidationError(ratelimit.RateLimited(wait).message)
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            ratelimit.login_succeeded(request, login=_login(credentials))
        return user

    def authentication_failed(self, request, **credentials):
        ratelimit.login_failed(request, login=_login(credentials))
        super().authentication_failed(request, **credentials)
