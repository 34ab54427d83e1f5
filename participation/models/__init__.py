"""Beteiligungsplattform data: the concept as a versioned document, participation processes with
phases, comments, proposals, surveys, follows, and the portfolio of digitalisation projects.

One module per sub-domain; every model is importable from ``participation.models``."""

from participation.models.comments import (
    Comment,
    CommentQuerySet,
    CommentReaction,
    CommentStatus,
    Flag,
)
from participation.models.concept import (
    ConceptDocument,
    DocumentVersion,
    FieldOfAction,
    Section,
    StrategicGoal,
)
from participation.models.follows import Follow
from participation.models.portfolio import (
    LiveFigure,
    Milestone,
    Project,
    ProjectStatus,
    ProjectUpdate,
)
from participation.models.processes import (
    DEFAULT_PERMISSIONS,
    Moderation,
    Phase,
    PhaseAction,
    PhaseKind,
    PhaseRole,
    Process,
    ProcessState,
    default_permissions,
)
from participation.models.proposals import (
    Proposal,
    ProposalEvent,
    ProposalStatus,
    ProposalSupport,
)
from participation.models.surveys import (
    Answer,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyInvitation,
)

__all__ = [
    "DEFAULT_PERMISSIONS",
    "Answer",
    "Comment",
    "CommentQuerySet",
    "CommentReaction",
    "CommentStatus",
    "ConceptDocument",
    "DocumentVersion",
    "FieldOfAction",
    "Flag",
    "Follow",
    "LiveFigure",
    "Milestone",
    "Moderation",
    "Phase",
    "PhaseAction",
    "PhaseKind",
    "PhaseRole",
    "Process",
    "ProcessState",
    "Project",
    "ProjectStatus",
    "ProjectUpdate",
    "Proposal",
    "ProposalEvent",
    "ProposalStatus",
    "ProposalSupport",
    "Question",
    "QuestionKind",
    "Response",
    "Section",
    "StrategicGoal",
    "Survey",
    "SurveyInvitation",
    "default_permissions",
]
