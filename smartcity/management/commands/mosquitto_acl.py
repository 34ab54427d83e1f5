"""Write Mosquitto's password and ACL files from the pole registry."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from smartcity.mqtt import broker_from_url, write_mosquitto_files


class Command(BaseCommand):
    help = (
        "Write Mosquitto's passwd and acl files: each pole with an active token may publish only "
        "to poles/<number>/readings and poles/<number>/events; the bridge (user and password "
        "from MQTT_URL) may read poles/#. Send Mosquitto a SIGHUP afterwards to reload them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="/mosquitto/config", help="Target directory.")

    def handle(self, *args, dir: str, **options):
        broker = broker_from_url(settings.MQTT_URL) if settings.MQTT_URL else {}
        count = write_mosquitto_files(
            directory=Path(dir),
            bridge_user=broker.get("username"),
            bridge_password=broker.get("password"),
        )
        self.stdout.write(f"Wrote {dir}/passwd and {dir}/acl for {count} poles.")
