"""Admin of the site shell's models. The site itself is portal.admin_site.PortalAdminSite."""

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import mail, roles
from portal.audit import ReadOnlyAdmin, TranslatedHistoryAdmin
from portal.forms import AdminUserChangeForm, AdminUserCreationForm
from portal.models import AccessibilityFeedback, Department, OutgoingEmail, User


@admin.register(Department)
class DepartmentAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "slug", "email", "phone"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "departments"]
    search_fields = ["email", "name"]
    # Plain multi-selects: the filter widget's icons fail axe (aria-prohibited-attr).
    filter_horizontal = []
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal data"), {"fields": ("name", "language")}),
        (
            _("Roles and permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "departments",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "email", "forwarded_at"]
    list_filter = ["forwarded_at"]
    search_fields = ["message", "page_url", "email", "name"]
    readonly_fields = [
        "created_at",
        "name",
        "email",
        "page_url",
        "message",
        "language",
        "forwarded_at",
    ]

    def has_add_permission(self, request):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    filter_horizontal = []


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Staff may see and remove a person's second factor (to reset a lost phone), never edit it."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The outbox, for support: what was sent to whom, what failed and why; failed e-mails can
    be sent again. Only administrators see it (the e-mails hold personal data)."""

    list_display = ["created_at", "recipients", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "subject", "to"]
    fields = readonly_fields = (
        "key",
        "created_at",
        "to",
        "reply_to",
        "subject",
        "body",
        "attachments_from",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    actions = ["send_again"]

    @admin.display(description=_("recipients"))
    def recipients(self, obj: OutgoingEmail) -> str:
        return ", ".join(obj.to)

    def has_module_permission(self, request):
        return roles.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    @admin.action(description=_("Send the selected e-mails again"))
    def send_again(self, request, queryset):
        count = mail.mail_resend(emails=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued to be sent again.",
                "%(count)d e-mails queued to be sent again.",
                count,
            )
            % {"count": count},
        )
