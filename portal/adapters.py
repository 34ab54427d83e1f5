"""allauth customised by adapter, as the style guide asks: no copied views."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from portal import services


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The language the citizen signed up in is the language of their e-mails.
        user.language = translation.get_language() or user.language
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.user_assign_default_role(user=user)
        return user
