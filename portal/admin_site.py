"""The administration: staff reach it only through allauth's login and only with MFA."""

from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from portal import roles


class PortalAdminSite(admin.AdminSite):
    site_header = _("City of Castrop-Rauxel – administration")
    site_title = _("Castrop-Rauxel administration")
    index_title = _("Administration")

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_MFA_REQUIRED or is_mfa_enabled(request.user)

    def login(self, request, extra_context=None):
        """Send every admin login through allauth: its rate limits and its MFA step apply."""
        user = request.user
        if user.is_authenticated:
            if not roles.is_staff_member(user):
                raise PermissionDenied
            if roles.mfa_missing(user):
                return roles.mfa_setup_redirect(request)
        return secure_admin_login(super().login)(request, extra_context)
