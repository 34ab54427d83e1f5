"""Send realistic live data for the demo poles, over HTTP or MQTT, so dashboards move."""

import json
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartcity import services, simulation
from smartcity.models import Pole, PoleStatus


class Command(BaseCommand):
    help = (
        "Simulate N poles sending readings every S seconds via the device API or MQTT. "
        "It gives each simulated pole a new device token (development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--poles", type=int, default=12)
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between rounds.")
        parser.add_argument("--via", choices=["http", "mqtt"], default="http")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Portal base URL.")
        parser.add_argument(
            "--rounds", type=int, default=0, help="Stop after this many (0: never)."
        )

    def handle(self, *args, poles: int, interval: float, via: str, url: str, rounds: int, **opts):
        selected = list(Pole.objects.filter(status=PoleStatus.ACTIVE).order_by("number")[:poles])
        if not selected:
            raise CommandError("No active poles: run `python manage.py load_demo` first.")
        tokens = {pole.number: services.pole_token_rotate(pole=pole) for pole in selected}
        traffic = {p[0]: p[8] for p in simulation.POLES}
        self._clients: dict = {}  # MQTT connections, closed at the end
        send = self._http(url) if via == "http" else self._mqtt(tokens)
        try:
            self._run(selected, tokens, traffic, send, interval, rounds)
        finally:
            for client in self._clients.values():
                client.loop_stop()
                client.disconnect()

    def _run(self, selected, tokens, traffic, send, interval: float, rounds: int) -> None:
        done = 0
        while rounds == 0 or done < rounds:
            now = timezone.now()
            for pole in selected:
                readings = [
                    {
                        "channel": channel.key,
                        "ts": now.isoformat(),
                        "value": simulation.values(
                            channel.kind, now, seed=pole.number, traffic=traffic.get(pole.number, 1)
                        ),
                    }
                    for channel in pole.channels.all()
                    if channel.kind in simulation.SIMULATED_KINDS
                ]
                send(pole.number, tokens[pole.number], {"readings": readings})
            done += 1
            self.stdout.write(f"{now:%H:%M:%S} sent round {done} for {len(selected)} poles")
            if rounds == 0 or done < rounds:
                time.sleep(interval)

    def _http(self, base: str):
        endpoint = base.rstrip("/") + "/api/v1/smartcity/readings"
        if not endpoint.startswith(("http://", "https://")):
            raise CommandError("--url must start with http:// or https://")

        def send(number: str, token: str, body: dict) -> None:
            request = urllib.request.Request(  # noqa: S310  (scheme checked above)
                endpoint,
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                answer = json.loads(response.read())
            if answer["rejected"]:
                self.stderr.write(f"{number}: {answer['rejected'][:3]}")

        return send

    def _mqtt(self, tokens: dict[str, str]):
        import paho.mqtt.client as mqtt

        from smartcity.mqtt import broker_from_url

        if not settings.MQTT_URL:
            raise CommandError("Set MQTT_URL for --via mqtt.")
        broker = broker_from_url(settings.MQTT_URL)
        clients = self._clients
        for number, token in tokens.items():
            client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"sim-{number}")
            client.username_pw_set(number, token)  # accepted by an authenticating Mosquitto
            client.connect(broker["host"], broker["port"])
            client.loop_start()
            clients[number] = client

        def send(number: str, token: str, body: dict) -> None:
            message = clients[number].publish(f"poles/{number}/readings", json.dumps(body), qos=1)
            message.wait_for_publish(10)

        return send
