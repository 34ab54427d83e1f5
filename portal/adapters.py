"""allauth customised by adapter, as the style guide asks: no copied views."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from portal import ratelimit, services


def _login(credentials: dict) -> str:
    return credentials.get("email", credentials.get("username", "")) or ""


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Without django.contrib.sites allauth names the site after the request's host
        # ("Hallo von 127.0.0.1:8000!"): its e-mails speak for the city and its portal.
        base_url = settings.PORTAL_BASE_URL.rstrip("/")
        site = SimpleNamespace(
            name=gettext("City of Castrop-Rauxel"), domain=urlsplit(base_url).netloc
        )
        context = {"current_site": site, "portal_base_url": base_url, **context}
        super().send_mail(template_prefix, email, context)

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
