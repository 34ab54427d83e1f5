"""Celery tasks of the Beteiligungsplattform: thin, idempotent adapters over services."""

from celery import shared_task

from participation import notifications, services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def build_version_pdf(version_id: int) -> bool:
    # Idempotent: a version that already has its PDF is skipped (checked under a row lock).
    return services.version_pdf_build(version_id=version_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def notify_comment(comment_id: int) -> bool:
    # Idempotent: claims Comment.notified_at before sending.
    return notifications.comment_notify(comment_id=comment_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def notify_proposal_event(event_id: int) -> bool:
    # Idempotent: claims ProposalEvent.notified_at before sending.
    return notifications.proposal_event_notify(event_id=event_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def notify_new_proposal(proposal_id: int) -> bool:
    # Idempotent: claims Proposal.notified_at before sending.
    return notifications.proposal_created_notify(proposal_id=proposal_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_survey_invitation(invitation_id: int, email: str, token: str, language: str) -> bool:
    # Idempotent: claims SurveyInvitation.sent_at before sending.
    return notifications.survey_invitation_send(
        invitation_id=invitation_id, email=email, token=token, language=language
    )
