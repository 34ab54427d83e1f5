"""Issue or revoke an Open311 API key: ``manage.py open311_key "Name"`` / ``--revoke=PREFIX``."""

from django.core.management.base import BaseCommand, CommandError

from services import services
from services.models import Open311Key


class Command(BaseCommand):
    help = "Issue an Open311 API key (printed once) or revoke one by its first characters."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Who uses the new key.")
        parser.add_argument(
            "--revoke", metavar="PREFIX", help="Revoke the key starting with PREFIX."
        )

    def handle(self, *args, name=None, revoke=None, **options):
        if revoke:
            count = services.keys_revoke(
                keys=Open311Key.objects.filter(prefix=revoke[:8], revoked_at__isnull=True),
                actor=None,
            )
            if not count:
                raise CommandError(f"No active key begins with {revoke[:8]}.")
            self.stdout.write(f"Revoked {count} key(s).")
            return
        if not name:
            raise CommandError("Give the name of the key's user, or --revoke PREFIX.")
        _key, raw = services.key_create(name=name)
        self.stdout.write(raw)
