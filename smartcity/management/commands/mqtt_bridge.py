"""Subscribe to the poles' MQTT topics and feed every message into the Smart City inbox."""

import time
from pathlib import Path

import paho.mqtt.client as mqtt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from smartcity.mqtt import TOPICS, broker_from_url, handle_message

HEARTBEAT = Path("/tmp/mqtt-bridge.alive")  # noqa: S108  (read by the compose healthcheck)


class Command(BaseCommand):
    help = "Bridge MQTT (poles/+/readings, poles/+/events on MQTT_URL) into the ingestion inbox."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="Broker URL (default: MQTT_URL).")
        parser.add_argument("--client-id", default="portal-mqtt-bridge")
        parser.add_argument(
            "--clean-session",
            action="store_true",
            help="Start without the broker's stored session (tests). By default the broker "
            "keeps QoS 1 messages for the bridge while it restarts.",
        )

    def handle(self, *args, url: str, client_id: str, clean_session: bool, **options):
        url = url or settings.MQTT_URL
        if not url:
            raise CommandError("Set MQTT_URL (e.g. mqtt://bridge:secret@127.0.0.1:1883).")
        broker = broker_from_url(url)
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean_session
        )
        if broker["username"]:
            client.username_pw_set(broker["username"], broker["password"])
        if broker["tls"]:
            client.tls_set()

        def on_connect(client, userdata, flags, reason_code, properties):
            if reason_code.is_failure:
                self.stderr.write(f"MQTT connection refused: {reason_code}")
                return
            client.subscribe([(topic, 1) for topic in TOPICS])
            self.stdout.write(f"Subscribed to {', '.join(TOPICS)} on {broker['host']}.")

        def on_message(client, userdata, message):
            close_old_connections()  # a long-running process: drop broken or aged connections
            try:
                handle_message(message.topic, message.payload)
            except Exception:
                import logging

                logging.getLogger(__name__).exception("Message on %s failed", message.topic)

        client.on_connect = on_connect
        client.on_message = on_message
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.connect_async(broker["host"], broker["port"], keepalive=30)
        client.loop_start()
        try:
            while True:
                if client.is_connected():
                    HEARTBEAT.touch()
                time.sleep(5)
        except KeyboardInterrupt:
            pass
        finally:
            client.loop_stop()
            client.disconnect()
