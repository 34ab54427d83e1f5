"""Writes of the site shell. Each function is one transaction; side effects run after commit."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.i18n import language_current
from portal.mail import mail_queue_template
from portal.models import AccessibilityFeedback, User
from portal.roles import Role

# The apps that hold personal data (the same as in portal.selectors, its sibling layer).
PERSONAL_DATA_APPS = ("services", "participation", "smartcity")


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
    behaviour the record needs (anonymise or cascade). What a foreign key cannot do (files on
    disk) each app does in ``<app>.services.personal_data_delete(user=...)``, in this
    transaction; the files go after commit. The account row goes last.
    """
    for app in PERSONAL_DATA_APPS:
        contribute = getattr(import_module(f"{app}.services"), "personal_data_delete", None)
        if contribute is not None:
            contribute(user=user)
    user.delete()


def accessibility_feedback_submit(
    *, name: str, email: str, page_url: str, message: str
) -> AccessibilityFeedback:
    """Store a barrier report and queue it, in the same transaction, as an e-mail to the city."""
    with transaction.atomic():
        feedback = AccessibilityFeedback(
            name=name.strip(),
            email=email.strip(),
            page_url=page_url.strip(),
            message=message.strip(),
            language=language_current(),
            forwarded_at=timezone.now(),
        )
        feedback.full_clean()
        feedback.save()
        mail_queue_template(
            key=f"portal.accessibility_feedback:{feedback.pk}",
            to=settings.ACCESSIBILITY_FEEDBACK_EMAIL,
            template="portal/email/accessibility_feedback",
            context={"f": feedback},
            language="de",  # the city's office reads German
            reply_to=[feedback.email] if feedback.email else [],
        )
    return feedback
