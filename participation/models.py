"""Beteiligungsplattform data: the concept as a versioned document, participation processes with
phases, comments, proposals, surveys, follows, and the portfolio of digitalisation projects."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


def _en(obj, field: str) -> str:
    """The English text of ``field`` when English is active and one exists, else the German."""
    language = get_language() or "de"
    if language.startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, field)
    return getattr(obj, field)


# --- The concept --------------------------------------------------------------------------------


class FieldOfAction(models.Model):
    """One of the six fields of action (Handlungsfelder) of the concept."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return _en(self, "name")


class StrategicGoal(models.Model):
    field = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("field of action"),
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    code = models.CharField(_("number"), max_length=10, help_text=_("For example 1.2"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["field__order", "code"]
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("participation:goal", args=[self.slug])

    @property
    def label(self) -> str:
        return _en(self, "title")


class ConceptDocument(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    fields_of_action = models.ManyToManyField(
        FieldOfAction, blank=True, related_name="documents", verbose_name=_("fields of action")
    )
    draft_change_note = models.TextField(
        _("change note for the next version"),
        blank=True,
        help_text=_("What changed in the draft. Publishing uses it as the version's change note."),
    )

    class Meta:
        verbose_name = _("concept document")
        verbose_name_plural = _("concept documents")

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """An immutable published state of a document. Only ``document_publish`` creates one."""

    document = models.ForeignKey(ConceptDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    change_note = models.TextField(_("change note"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(_("PDF"), upload_to="participation/pdf/", blank=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="participation_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("participation:concept_version", args=[self.number])


class Section(models.Model):
    """A numbered section. Draft sections have no version; published ones are copies."""

    document = models.ForeignKey(ConceptDocument, on_delete=models.CASCADE, related_name="sections")
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("version"),
        help_text=_("Empty for the draft that editors work on."),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("Stays the same across versions, so versions can be compared."),
    )
    chapter = models.PositiveSmallIntegerField(_("chapter"))
    chapter_title = models.CharField(_("chapter title"), max_length=200)
    number = models.PositiveSmallIntegerField(_("section number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("field of action"),
    )

    class Meta:
        ordering = ["chapter", "number", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"],
                condition=Q(version__isnull=False),
                name="participation_section_key_per_version",
            ),
            models.UniqueConstraint(
                fields=["document", "key"],
                condition=Q(version__isnull=True),
                name="participation_section_key_per_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chapter}.{self.number} {self.title}"

    @property
    def numbering(self) -> str:
        return f"{self.chapter}.{self.number}"


# --- Processes ----------------------------------------------------------------------------------


class Moderation(models.TextChoices):
    PRE = "pre", _("Pre-moderation: comments appear after approval")
    POST = "post", _("Post-moderation: comments appear at once")


class Process(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    document = models.ForeignKey(
        ConceptDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processes",
        verbose_name=_("concept document"),
    )
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.POST
    )
    support_threshold = models.PositiveIntegerField(
        _("support threshold"),
        default=50,
        help_text=_("A proposal with this many supports goes to review; the city must answer."),
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")

    def __str__(self) -> str:
        return self.title

    def active_kinds(self, now) -> set[str]:
        """The kinds of the phases running at ``now`` (uses prefetched phases)."""
        return {p.kind for p in self.phases.all() if p.starts_at <= now < p.ends_at}

    def phase_of(self, kind: str) -> Phase | None:
        return next((p for p in self.phases.all() if p.kind == kind), None)


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    COMMENTING = "commenting", _("Commenting")
    PROPOSALS = "proposals", _("Proposals")
    SURVEY = "survey", _("Survey")
    EVALUATION = "evaluation", _("Evaluation")


class Phase(models.Model):
    """A period of a process. Phases may overlap (comments and proposals at the same time)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=12, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["process", "starts_at", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="participation_phase_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["process", "kind"], name="participation_phase_kind_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.get_kind_display()}"


# --- Proposals ----------------------------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    IMPLEMENTED = "implemented", _("Implemented")
    REJECTED = "rejected", _("Rejected")


class Proposal(models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=5000)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("field of action"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    image = models.FileField(_("image"), upload_to="participation/proposals/", blank=True)
    image_type = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
    )
    status_reason = models.TextField(_("reason / answer of the city"), blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)  # followers of the process told

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["process", "-created_at", "-id"], name="participation_prop_list")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.REJECTED) | ~Q(status_reason=""),
                name="participation_proposal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="participation_proposal_location_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal", args=[self.pk])


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="proposal_supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "proposal"], name="participation_one_support_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class ProposalEvent(models.Model):
    """The history of a proposal's status: who changed it when, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=14, choices=ProposalStatus.choices)
    to_status = models.CharField(max_length=14, choices=ProposalStatus.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


# --- Comments -----------------------------------------------------------------------------------


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommentQuerySet:
        """What a person sees in a discussion: visible and hidden comments (the latter show
        their reason), plus their own pending ones; moderators see every comment."""
        from participation import rules

        if rules.can_moderate(user):
            return self
        shown = Q(status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN])
        if user is not None and user.is_authenticated:
            shown |= Q(author=user)
        return self.filter(shown)


class Comment(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # Kept when the account is deleted: the text stays in the discussion without a name.
    author = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=8, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    is_official = models.BooleanField(_("answer of the city"), default=False)
    moderated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["proposal", "status"], name="participation_comment_prop"),
            models.Index(fields=["section", "status"], name="participation_comment_section"),
            models.Index(fields=["status", "created_at"], name="participation_comment_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(section__isnull=False, proposal__isnull=True)
                | Q(section__isnull=True, proposal__isnull=False),
                name="participation_comment_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommentStatus.HIDDEN) | ~Q(hidden_reason=""),
                name="participation_comment_hidden_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class CommentReaction(models.Model):
    """ "I agree"."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="participation_one_agree_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"


class Flag(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="participation_one_flag_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"


# --- Surveys ------------------------------------------------------------------------------------


class Survey(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    by_token = models.BooleanField(
        _("anonymous with e-mailed tokens"),
        default=False,
        help_text=_("Also accept one answer per invitation link sent by e-mail."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:survey", args=[self.pk])


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")
    SCALE = "scale", _("Scale from 1 to 5")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One per line."))

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class SurveyInvitation(models.Model):
    """An e-mailed token for an anonymous answer. Only the hash is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.created_at:%Y-%m-%d}"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Kept anonymised when the account is deleted, so results stay as they were published.
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="participation_one_response_per_account",
            ),
            models.UniqueConstraint(
                fields=["survey", "token_hash"],
                condition=~Q(token_hash=""),
                name="participation_one_response_per_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="participation_one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.question_id}"


# --- Follows ------------------------------------------------------------------------------------


class Follow(models.Model):
    """Someone follows a process, a section (by its key, across versions) or a proposal."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="participation_follows")
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        ConceptDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    section_key = models.SlugField(max_length=60, blank=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(process__isnull=False, document__isnull=True, proposal__isnull=True)
                | Q(process__isnull=True, document__isnull=False, proposal__isnull=True)
                & ~Q(section_key="")
                | Q(process__isnull=True, document__isnull=True, proposal__isnull=False),
                name="participation_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "process"],
                condition=Q(process__isnull=False),
                name="participation_follow_process_once",
            ),
            models.UniqueConstraint(
                fields=["user", "document", "section_key"],
                condition=Q(document__isnull=False),
                name="participation_follow_section_once",
            ),
            models.UniqueConstraint(
                fields=["user", "proposal"],
                condition=Q(proposal__isnull=False),
                name="participation_follow_proposal_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.process_id or self.proposal_id or self.section_key}"


# --- Project portfolio --------------------------------------------------------------------------


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Project(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("field of action"),
    )
    goals = models.ManyToManyField(
        StrategicGoal, blank=True, related_name="projects", verbose_name=_("goals served")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress in per cent"), default=0)
    responsible_office = models.CharField(_("responsible office"), max_length=200)
    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project",
        verbose_name=_("from proposal"),
    )

    class Meta:
        ordering = ["field_of_action__order", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="participation_project_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:project", args=[self.slug])


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due"))
    done = models.BooleanField(_("reached"), default=False)

    class Meta:
        ordering = ["project", "due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProjectUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["project", "-published_at", "-pk"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")

    def __str__(self) -> str:
        return self.title
