"""Writes of the site shell. Each function is one transaction; side effects run after commit."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone, translation

from portal.models import AccessibilityFeedback, Role, User


def user_assign_default_role(*, user: User) -> None:
    """Every new account is a citizen; staff roles are granted in the admin."""
    group, _ = Group.objects.get_or_create(name=Role.CITIZEN.value)
    user.groups.add(group)


@transaction.atomic
def user_update_profile(*, user: User, name: str, language: str) -> User:
    user.name = name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "language"])
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account and everything that belongs only to it.

    Apps keep their own records (cases, comments) by foreign keys with the deletion
    behaviour the record needs (anonymise or cascade); the account row goes last.
    """
    user.delete()


def accessibility_feedback_submit(
    *, name: str, email: str, page_url: str, message: str
) -> AccessibilityFeedback:
    """Store a barrier report and, after commit, e-mail it to the city's contact."""
    from portal import tasks

    with transaction.atomic():
        feedback = AccessibilityFeedback(
            name=name.strip(),
            email=email.strip(),
            page_url=page_url.strip(),
            message=message.strip(),
            language=translation.get_language() or "de",
        )
        feedback.full_clean()
        feedback.save()
        transaction.on_commit(lambda: tasks.forward_accessibility_feedback.delay(feedback.pk))
    return feedback


def accessibility_feedback_forward(*, feedback_id: int) -> bool:
    """Send one feedback to the city. Idempotent: an atomic claim on forwarded_at.

    Returns False when another run has already forwarded it.
    """
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    with transaction.atomic():
        claimed = AccessibilityFeedback.objects.filter(
            pk=feedback_id, forwarded_at__isnull=True
        ).update(forwarded_at=timezone.now())
        if not claimed:
            return False
        feedback = AccessibilityFeedback.objects.get(pk=feedback_id)
        with translation.override("de"):  # the city's office reads German
            body = render_to_string("portal/email/accessibility_feedback.txt", {"f": feedback})
            subject = str(translation.gettext("Accessibility feedback from the portal"))
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[settings.ACCESSIBILITY_FEEDBACK_EMAIL],
            reply_to=[feedback.email] if feedback.email else None,
        )
        # Sent inside the transaction: if the relay refuses, the claim rolls back and a retry
        # sends it again.
        message.send()
    return True
