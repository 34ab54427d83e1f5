"""The catalogue in the admin: categories, services with their form steps and versions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.api import ApplicationError
from portal.audit import HistoryAdmin, TranslatedHistoryAdmin
from services import services
from services.models import FormField, FormStep, FormVersion, Service, ServiceCategory


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}


class FormStepInline(admin.StackedInline):
    model = FormStep
    fields = ["order", "title", "title_en"]
    extra = 0
    show_change_link = True


# A published version is shown, never changed.
FORM_VERSION_FIELDS = ("number", "published_at", "published_by")


class FormVersionInline(admin.TabularInline):
    model = FormVersion
    fields = FORM_VERSION_FIELDS
    readonly_fields = FORM_VERSION_FIELDS
    extra = 0
    can_delete = False
    verbose_name_plural = _("Published form versions (filed cases keep theirs)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(TranslatedHistoryAdmin):
    list_display = [
        "name",
        "category",
        "department",
        "login_level",
        "is_online",
        "is_published",
        "form_version",
    ]
    list_filter = ["category", "department", "login_level", "is_online", "is_published"]
    search_fields = [
        "name_de",
        "name_en",
        "summary_de",
        "summary_en",
        "search_terms_de",
        "search_terms_en",
        "leika_key",
    ]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FormStepInline, FormVersionInline]
    actions = ["publish_forms"]

    # Deleting: a service nobody filed a case for goes with its form versions (which protect
    # the cases, not the service); one with cases gets a message that suggests taking it offline.

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, _protected = super().get_deleted_objects(
            objs, request
        )
        protected = []
        for service in objs:
            blocker = services.service_delete_blocker(service=service)
            if blocker:
                protected.append(blocker)
            else:
                versions = list(service.form_versions.all())
                to_delete += [f"{capfirst(FormVersion._meta.verbose_name)}: {v}" for v in versions]
                if versions:
                    model_count[str(FormVersion._meta.verbose_name_plural)] = len(versions)
        if protected:  # the explanation, not a list of rights to delete the cases
            perms_needed = set()
        return to_delete, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        services.service_delete(service=obj)

    def delete_queryset(self, request, queryset):
        for service in queryset:
            services.service_delete(service=service)

    @admin.display(description=_("form version"))
    def form_version(self, obj):
        version = obj.current_form
        return version.number if version else "–"

    @admin.action(description=_("Publish the edited form as a new version"))
    def publish_forms(self, request, queryset):
        for service in queryset:
            try:
                version = services.form_publish(service=service, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{service}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("{service}: form version {n} is published.").format(
                        service=service, n=version.number
                    ),
                    messages.SUCCESS,
                )


class FormFieldInline(admin.StackedInline):
    model = FormField
    extra = 0
    fieldsets = [
        (None, {"fields": [("order", "key", "type", "required"), ("label", "label_en")]}),
        (
            _("Help and validation"),
            {
                "fields": [
                    ("help_text", "help_text_en"),
                    "choices",
                    ("pattern", "pattern_message"),
                    ("min_value", "max_value", "max_length"),
                    ("allowed_file_types", "max_file_mb"),
                    ("show_if_field", "show_if_value"),
                ]
            },
        ),
    ]


@admin.register(FormStep)
class FormStepAdmin(HistoryAdmin):
    list_display = ["service", "order", "title"]
    list_filter = ["service"]
    inlines = [FormFieldInline]
