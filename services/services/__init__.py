"""Every write of the Serviceportal that carries a business rule.

One transaction per function; history rows and e-mails (the outbox) in the same transaction;
PDFs after commit. Nothing changes a case's status except ``case_transition``. The functions
live in one module per sub-domain; this package re-exports the public names.
"""

from services.services.attachments import attachment_store, attachments_delete
from services.services.cases import (
    APPLICANT_TRANSITIONS,
    STAFF_TRANSITIONS,
    access_log,
    case_add_note,
    case_assign,
    case_submit,
    case_submit_answers,
    case_transition,
    case_withdraw,
    is_case_staff,
)
from services.services.catalogue import form_publish, service_delete, service_delete_blocker
from services.services.drafts import (
    draft_prefilled,
    draft_save_step,
    draft_send_link,
    draft_start,
)
from services.services.messages import message_send
from services.services.open311_keys import key_create, key_is_valid, key_rename, keys_revoke
from services.services.retention import (
    case_anonymise,
    cases_anonymise_expired,
    drafts_purge_expired,
    personal_data_delete,
)

__all__ = [
    "APPLICANT_TRANSITIONS",
    "STAFF_TRANSITIONS",
    "access_log",
    "attachment_store",
    "attachments_delete",
    "case_add_note",
    "case_anonymise",
    "case_assign",
    "case_submit",
    "case_submit_answers",
    "case_transition",
    "case_withdraw",
    "cases_anonymise_expired",
    "draft_prefilled",
    "draft_save_step",
    "draft_send_link",
    "draft_start",
    "drafts_purge_expired",
    "form_publish",
    "is_case_staff",
    "key_create",
    "key_is_valid",
    "key_rename",
    "keys_revoke",
    "message_send",
    "personal_data_delete",
    "service_delete",
    "service_delete_blocker",
]
