"""The site shell's data: users (e-mail login), departments, accessibility feedback."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.roles import Role

__all__ = ["AccessibilityFeedback", "Department", "Role", "User"]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class Department(models.Model):
    """An office of the city administration (Fachbereich). Case workers belong to departments."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language for e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="members", verbose_name=_("departments")
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the administration."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="portal_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name or self.email

    def has_role(self, role: Role) -> bool:
        from portal import roles

        return roles.has_role(self, role)


class AccessibilityFeedback(models.Model):
    """A report of an accessibility barrier, from the form on the accessibility statement."""

    created_at = models.DateTimeField(_("received"), default=timezone.now)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    message = models.TextField(_("description of the barrier"), max_length=5000)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    forwarded_at = models.DateTimeField(_("forwarded to the city"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self) -> str:
        return _("Feedback of {date}").format(date=timezone.localtime(self.created_at).date())


class MailStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed (given up)")


class OutgoingEmail(models.Model):
    """One e-mail in the outbox (``portal.mail``). Written in the transaction that causes it,
    sent by a worker after commit, at least once; ``key`` makes queueing it twice a no-op."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    to = models.JSONField(_("recipients"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    attachments_from = models.CharField(
        _("attachments from"),
        max_length=200,
        blank=True,
        help_text=_("Dotted path of the function that supplies the attachments at send time."),
    )
    attachments_args = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="portal_mail_due_idx"),
        ]

    def __str__(self) -> str:
        return self.subject
