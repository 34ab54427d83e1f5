"""Load the demo data: departments, a citizen, a case worker and an administrator.

Idempotent: running it again changes nothing that is already there. Apps add their own demo
data through ``<app>.demo.load(stdout=...)`` when such a module exists.
"""

from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from portal.models import Department, Role, User

DEPARTMENTS = [
    ("Bürgerbüro", "buergerbuero", "buergerbuero@castrop-rauxel.de", "02305 106-2222"),
    ("Ordnungsamt", "ordnungsamt", "ordnungsamt@castrop-rauxel.de", "02305 106-2300"),
    ("Steueramt", "steueramt", "steuern@castrop-rauxel.de", "02305 106-2100"),
    ("Tiefbau und Straßen", "tiefbau", "tiefbau@castrop-rauxel.de", "02305 106-2600"),
    ("Umwelt und Grünflächen", "umwelt", "umwelt@castrop-rauxel.de", "02305 106-2700"),
    ("Stabsstelle Digitalisierung", "digitalisierung", "digitalisierung@castrop-rauxel.de", ""),
]

# A fixed demo secret, so the administrator can add it to an authenticator app.
# Never used outside DEBUG: the command refuses to run in production.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPCASTROPRAUXEL234"  # noqa: S105
DEMO_PASSWORD = "Europastadt-2026"  # noqa: S105

DEMO_USERS = [
    ("buerger@example.org", "Bürgerin Beispiel", [Role.CITIZEN], [], False),
    (
        "sachbearbeitung@example.org",
        "Sam Sachbearbeiter",
        [Role.CASE_WORKER],
        ["buergerbuero"],
        True,
    ),
    ("admin@example.org", "Ada Administratorin", [Role.ADMINISTRATOR], [], True),
]

DEMO_APPS = ("services", "participation", "smartcity", "smartcity.tours", "participation.news")


def demo_totp_activate(user: User) -> None:
    """Every staff role needs a second factor: the demo's staff share one TOTP secret."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


class Command(BaseCommand):
    help = "Load demo data (idempotent). Refuses to run with DEBUG off unless --force is given."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("load_demo creates accounts with known passwords; DEBUG is off.")
        # The demo's people are fictional: their receipts and notices are not printed or sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._load()
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded.")
            + f"\n  Citizen:       buerger@example.org / {DEMO_PASSWORD}"
            + f"\n  Case worker:   sachbearbeitung@example.org / {DEMO_PASSWORD}"
            + f"\n  Administrator: admin@example.org / {DEMO_PASSWORD}"
            + f"\n  Staff TOTP secret (add it to an authenticator app): {DEMO_TOTP_SECRET}"
        )

    def _load(self) -> None:
        with transaction.atomic():
            departments = self._departments()
            for email, name, roles, dept_slugs, staff in DEMO_USERS:
                self._user(email, name, roles, [departments[s] for s in dept_slugs], staff)
        for app in DEMO_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.load(stdout=self.stdout)

    def _departments(self) -> dict[str, Department]:
        result = {}
        for name, slug, email, phone in DEPARTMENTS:
            dept, _ = Department.objects.get_or_create(
                slug=slug, defaults={"name": name, "email": email, "phone": phone}
            )
            result[slug] = dept
        return result

    def _user(self, email, name, roles, departments, staff) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                name=name,
                is_staff=staff,
                is_superuser=Role.ADMINISTRATOR in roles,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        user.groups.add(*[Group.objects.get_or_create(name=role.value)[0] for role in roles])
        user.departments.add(*departments)
        if staff:
            demo_totp_activate(user)
        return user
