"""Administration of the Beteiligungsplattform. Every state change goes through services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation import services
from participation.models import (
    Comment,
    CommentStatus,
    ConceptDocument,
    DocumentVersion,
    FieldOfAction,
    Milestone,
    Phase,
    Process,
    Project,
    ProjectUpdate,
    Proposal,
    ProposalStatus,
    Question,
    Section,
    StrategicGoal,
    Survey,
)
from portal.api import ApplicationError
from portal.audit import (
    ReadOnlyAdmin,
    TranslatedAdmin,
    TranslatedHistoryAdmin,
    TranslatedStackedInline,
)

# One labelled input per date and time (the admin's split widget leaves its halves unlabelled).
ONE_DATETIME_INPUT: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateTimeField: {
        "form_class": forms.DateTimeField,
        "widget": forms.DateTimeInput(format="%Y-%m-%d %H:%M", attrs={"size": 16}),
    }
}


class GoalInline(TranslatedStackedInline):
    model = StrategicGoal
    extra = 0
    fields = ["code", "slug", "title", "description"]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(TranslatedHistoryAdmin):
    list_display = ["order", "name_de", "name_en"]
    list_display_links = ["name_de"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GoalInline]


@admin.register(StrategicGoal)
class StrategicGoalAdmin(TranslatedHistoryAdmin):
    list_display = ["code", "title", "field"]
    list_filter = ["field"]
    search_fields = ["title_de", "title_en", "description_de", "description_en"]


class DraftSectionInline(admin.StackedInline):
    """Editors work on the draft: sections without a version."""

    model = Section
    extra = 0
    fields = [
        ("chapter", "chapter_title"),
        ("number", "key"),
        "title",
        "body",
        "field_of_action",
    ]
    verbose_name_plural = _("Draft sections")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(version__isnull=True)


@admin.register(ConceptDocument)
class ConceptDocumentAdmin(TranslatedAdmin):
    list_display = ["title", "latest_version"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DraftSectionInline]
    actions = ["publish"]

    @admin.display(description=_("latest version"))
    def latest_version(self, obj):
        version = obj.versions.order_by("-number").first()
        return version.number if version else "–"

    @admin.action(description=_("Publish the draft as a new version"))
    def publish(self, request, queryset):
        for document in queryset:
            try:
                version = services.document_publish_draft(document=document, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{document}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("{document}: version {n} is published.").format(
                    document=document, n=version.number
                ),
                messages.SUCCESS,
            )


class PublishedSectionInline(admin.TabularInline):
    model = Section
    readonly_fields = ("chapter", "number", "key", "title")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Published versions are immutable: read-only here."""

    list_display = ["document", "number", "published_at", "published_by"]
    readonly_fields = ["document", "number", "change_note", "published_at", "published_by", "pdf"]
    inlines = [PublishedSectionInline]


class PhaseInline(TranslatedStackedInline):
    model = Phase
    extra = 0
    formfield_overrides = ONE_DATETIME_INPUT


@admin.register(Process)
class ProcessAdmin(TranslatedHistoryAdmin):
    list_display = ["title", "moderation", "support_threshold"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline]


class QuestionInline(TranslatedStackedInline):
    model = Question
    extra = 0
    fields = [("order", "kind", "required"), "text", "choices"]


@admin.register(Survey)
class SurveyAdmin(TranslatedHistoryAdmin):
    list_display = ["title", "process", "by_token"]
    inlines = [QuestionInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "is_official", "created_at"]
    list_filter = ["status", "is_official"]
    search_fields = ["body"]
    readonly_fields = [
        "process",
        "section",
        "proposal",
        "parent",
        "author",
        "body",
        "status",
        "hidden_reason",
        "is_official",
        "moderated_by",
        "moderated_at",
        "created_at",
    ]
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve the selected comments"))
    def approve(self, request, queryset):
        for comment in queryset.exclude(status=CommentStatus.VISIBLE):
            services.comment_approve(comment=comment, moderator=request.user)
        self.message_user(request, gettext("The comments are published."), messages.SUCCESS)


class ProposalAdminForm(forms.ModelForm):
    new_status = forms.ChoiceField(
        label=_("Change status to"),
        choices=[("", "–"), *ProposalStatus.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason / answer of the city"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required for a rejection; shown on the proposal page and e-mailed."),
    )

    class Meta:
        model = Proposal
        fields: list[str] = []


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    form = ProposalAdminForm
    list_display = ["title", "field_of_action", "status", "support_count", "created_at"]
    list_filter = ["status", "field_of_action"]
    search_fields = ["title", "description"]
    readonly_fields = [
        "process",
        "title",
        "description",
        "field_of_action",
        "latitude",
        "longitude",
        "status",
        "status_reason",
        "support_count",
        "created_at",
    ]
    fields = [*readonly_fields, "new_status", "reason"]
    actions = ["make_projects"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        new_status = form.cleaned_data.get("new_status")
        if not new_status or new_status == obj.status:
            return
        try:
            services.proposal_transition(
                proposal=obj,
                actor=request.user,
                to_status=new_status,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description=_("Turn the selected accepted proposals into projects"))
    def make_projects(self, request, queryset):
        for proposal in queryset:
            try:
                project = services.proposal_to_project(
                    proposal=proposal,
                    actor=request.user,
                    responsible_office=gettext("Digitalisation office"),
                )
            except ApplicationError as exc:
                self.message_user(request, f"{proposal}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Project “{title}” created.").format(title=project.title),
                    messages.SUCCESS,
                )


class MilestoneInline(TranslatedStackedInline):
    model = Milestone
    extra = 0


class ProjectUpdateInline(TranslatedStackedInline):
    model = ProjectUpdate
    extra = 0
    formfield_overrides = ONE_DATETIME_INPUT


@admin.register(Project)
class ProjectAdmin(TranslatedAdmin):
    list_display = ["title", "field_of_action", "status", "progress", "responsible_office"]
    list_filter = ["status", "field_of_action"]
    search_fields = ["title_de", "title_en", "summary_de", "summary_en"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["proposal"]
    inlines = [MilestoneInline, ProjectUpdateInline]
