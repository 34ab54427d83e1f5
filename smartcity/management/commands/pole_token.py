"""Print a new device token for a pole and revoke its old one."""

from django.core.management.base import BaseCommand, CommandError

from smartcity import services
from smartcity.models import Pole


class Command(BaseCommand):
    help = "Print a new device token for the pole with this number; the old token stops working."

    def add_arguments(self, parser):
        parser.add_argument("number", help="The pole's number, e.g. CR-001.")
        parser.add_argument(
            "--revoke", action="store_true", help="Only revoke the token, print no new one."
        )

    def handle(self, *args, number: str, revoke: bool = False, **options):
        pole = Pole.objects.filter(number=number).first()
        if pole is None:
            raise CommandError(f"No pole with the number {number}.")
        if revoke:
            services.pole_token_revoke(pole=pole)
            self.stdout.write(f"The token of {pole.number} is revoked.")
            return
        self.stdout.write(services.pole_token_rotate(pole=pole))
