"""Administration of the Beteiligungsplattform. Every state change goes through services.py."""

from __future__ import annotations

from typing import Any, cast

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
    LiveFigure,
    Milestone,
    Phase,
    PhaseAction,
    PhaseRole,
    Process,
    Project,
    ProjectUpdate,
    Proposal,
    ProposalStatus,
    Question,
    Section,
    StrategicGoal,
    Survey,
    default_permissions,
)
from portal.api import ApplicationError
from portal.audit import (
    TranslatedAdmin,
    TranslatedHistoryAdmin,
    TranslatedStackedInline,
)
from smartcity import selectors as smartcity_selectors

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


class DocumentVersionAdminForm(forms.ModelForm):
    class Meta:
        model = DocumentVersion
        fields = ["decided_by", "decision_reference", "decided_on"]

    def clean(self):
        data = super().clean() or {}
        problem = services.decision_problem(
            decided_by=data.get("decided_by") or "",
            decision_reference=data.get("decision_reference") or "",
            decided_on=data.get("decided_on"),
        )
        if problem:
            raise forms.ValidationError(problem)
        return data


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    """Published versions are immutable: only the decision that adopted one is recorded here
    (through ``services.version_decision_record``); nobody adds or deletes versions."""

    form = DocumentVersionAdminForm
    list_display = ["document", "number", "published_at", "decided_by", "decision_reference"]
    readonly_fields = ["document", "number", "change_note", "published_at", "published_by", "pdf"]
    fields = [*readonly_fields, "decided_by", "decision_reference", "decided_on"]
    inlines = [PublishedSectionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.version_decision_record(
                version=obj,
                user=request.user,
                decided_by=form.cleaned_data["decided_by"],
                decision_reference=form.cleaned_data["decision_reference"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except ApplicationError as error:
            self.message_user(request, str(error), messages.ERROR)


def _permission_field_name(action: str) -> str:
    return f"may_{action}"


def _roles_field(action: PhaseAction) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=action.label,
        choices=PhaseRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PhaseForm(forms.ModelForm):
    """A phase with its permissions as a matrix: one row of role checkboxes per action.

    A new phase with no box ticked gets the default rules of its kind."""

    may_comment = _roles_field(PhaseAction.COMMENT)
    may_react = _roles_field(PhaseAction.REACT)
    may_propose = _roles_field(PhaseAction.PROPOSE)
    may_support = _roles_field(PhaseAction.SUPPORT)
    may_answer_survey = _roles_field(PhaseAction.ANSWER_SURVEY)

    class Meta:
        model = Phase
        fields = ["kind", "starts_at", "ends_at", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for action, granted in self.instance.effective_permissions().items():
                self.fields[_permission_field_name(action)].initial = granted

    def clean(self):
        cleaned = super().clean() or {}
        chosen = {
            action: list(cleaned.get(_permission_field_name(action)) or [])
            for action in PhaseAction.values
        }
        if self.instance.pk is None and not any(chosen.values()) and cleaned.get("kind"):
            chosen = default_permissions(cleaned["kind"])
        self.instance.permissions = chosen
        return cleaned


class PhaseInline(TranslatedStackedInline):
    model = Phase
    form = PhaseForm
    extra = 0
    formfield_overrides = ONE_DATETIME_INPUT
    fieldsets = [
        (None, {"fields": [("kind", "starts_at", "ends_at"), "description"]}),
        (
            _("Permissions"),
            {
                "fields": [_permission_field_name(a) for a in PhaseAction.values],
                "description": _(
                    "Who may do what while this phase runs; a person holds every role that "
                    "fits. Leave every box empty in a new phase to get the default rules of its "
                    "kind: verified users comment, agree and support in the commenting and the "
                    "proposal phase, propose in the proposal phase and answer surveys in the "
                    "survey phase."
                ),
            },
        ),
    ]


@admin.register(Process)
class ProcessAdmin(TranslatedHistoryAdmin):
    list_display = ["title", "slug", "moderation", "support_threshold"]
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


class ProjectAdminForm(forms.ModelForm):
    """The pole group is a choice of Smart City's groups (a loose reference by slug), the live
    figures a set of check boxes."""

    pole_group = forms.ChoiceField(label=_("pole group"), required=False)
    live_figures = forms.MultipleChoiceField(
        label=_("live figures"),
        choices=LiveFigure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Which figures of the pole group the project page shows."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "field_of_action",
            "goals",
            "status",
            "progress",
            "responsible_office",
            "proposal",
            "pole_group",
            "live_figures",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = smartcity_selectors.pole_groups()
        current = self.initial.get("pole_group") or ""
        known = {slug for slug, _name in groups}
        extra = [(current, current)] if current and current not in known else []
        choice = cast("forms.ChoiceField", self.fields["pole_group"])
        choice.choices = [("", "---------"), *groups, *extra]

    def clean(self):
        data = super().clean() or {}
        if data.get("live_figures") and not data.get("pole_group"):
            self.add_error("pole_group", gettext("Live figures need a pole group."))
        return data


@admin.register(Project)
class ProjectAdmin(TranslatedAdmin):
    form = ProjectAdminForm
    list_display = ["title", "field_of_action", "status", "progress", "responsible_office"]
    list_filter = ["status", "field_of_action"]
    search_fields = ["title_de", "title_en", "summary_de", "summary_en"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["proposal"]
    inlines = [MilestoneInline, ProjectUpdateInline]
