"""Every write of the Beteiligungsplattform that carries a business rule.

One transaction per function; history rows (versions, proposal events, the admin's change log)
and e-mails (the portal's outbox) in the same transaction; PDFs after commit through an
idempotent task named in ``portal.jobs``. Permissions come from ``participation.rules``.
One module per sub-domain; the public functions are importable from ``participation.services``.
"""

from participation.services.comments import (
    comment_agree,
    comment_answer_as_city,
    comment_approve,
    comment_create,
    comment_flag,
    comment_hide,
)
from participation.services.documents import (
    SECTION_FIELDS,
    decision_problem,
    document_publish,
    document_publish_draft,
    version_decision_record,
    version_pdf_build,
    version_pdf_request,
)
from participation.services.follows import follow_toggle
from participation.services.proposals import (
    PROPOSAL_TRANSITIONS,
    proposal_create,
    proposal_support,
    proposal_to_project,
    proposal_transition,
)
from participation.services.surveys import survey_invite, survey_respond

__all__ = [
    "PROPOSAL_TRANSITIONS",
    "SECTION_FIELDS",
    "comment_agree",
    "comment_answer_as_city",
    "comment_approve",
    "comment_create",
    "comment_flag",
    "comment_hide",
    "decision_problem",
    "document_publish",
    "document_publish_draft",
    "follow_toggle",
    "proposal_create",
    "proposal_support",
    "proposal_to_project",
    "proposal_transition",
    "survey_invite",
    "survey_respond",
    "version_decision_record",
    "version_pdf_build",
    "version_pdf_request",
]
