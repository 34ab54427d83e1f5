"""The MQTT side: the bridge that feeds pole messages into the inbox, and Mosquitto's files.

Topics: ``poles/<number>/readings`` and ``poles/<number>/events`` carry the same JSON bodies as
the HTTP API. Mosquitto authenticates every pole (user = pole number, password = its device
token) and its ACL lets a pole publish only to its own topics, so the bridge may trust the
number in the topic.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from smartcity import services
from smartcity.ingest import PayloadError, decode_body
from smartcity.models import DeviceToken, Pole, PoleStatus, mosquitto_hash

logger = logging.getLogger(__name__)

TOPICS = ("poles/+/readings", "poles/+/events")


def broker_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts"):
        raise ValueError("MQTT_URL must start with mqtt:// or mqtts://")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or (8883 if parts.scheme == "mqtts" else 1883),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "tls": parts.scheme == "mqtts",
    }


def handle_message(topic: str, payload: bytes) -> services.IngestResult | None:
    """Feed one MQTT message into the same checks and inbox as the HTTP API."""
    parts = topic.split("/")
    if len(parts) != 3 or parts[0] != "poles" or parts[2] not in ("readings", "events"):
        logger.warning("Ignoring message on unexpected topic %s", topic)
        return None
    pole = Pole.objects.exclude(status=PoleStatus.RETIRED).filter(number=parts[1]).first()
    if pole is None:
        logger.warning("Ignoring message of unknown or retired pole %s", parts[1])
        return None
    ingest = services.readings_ingest if parts[2] == "readings" else services.events_ingest
    try:
        result = ingest(pole=pole, body=decode_body(payload), source="mqtt")
    except PayloadError as exc:
        logger.warning("Pole %s: %s", pole.number, exc.message)
        return None
    if result.rejected:
        logger.info(
            "Pole %s: %d items rejected: %s", pole.number, len(result.rejected), result.rejected[:5]
        )
        conflicts = [r["index"] for r in result.rejected if r["code"] == "value_conflict"]
        if conflicts:
            # No answer goes back on MQTT: the operators learn of it here; the stored value stays.
            logger.warning(
                "Pole %s: %d readings conflict with a stored value and were not stored (items %s).",
                pole.number,
                len(conflicts),
                conflicts[:20],
            )
    return result


def write_mosquitto_files(
    *, directory: Path, bridge_user: str | None, bridge_password: str | None
) -> int:
    """Write ``passwd`` and ``acl`` for Mosquitto from the registry. Returns the pole count."""
    tokens = (
        DeviceToken.objects.filter(revoked_at__isnull=True)
        .exclude(pole__status=PoleStatus.RETIRED)
        .exclude(mqtt_hash="")
        .select_related("pole")
        .order_by("pole__number")
    )
    passwd = [f"{t.pole.number}:{t.mqtt_hash}" for t in tokens]
    acl = ["# Written by `manage.py mosquitto_acl`; do not edit by hand."]
    if bridge_user and bridge_password:
        passwd.append(f"{bridge_user}:{mosquitto_hash(bridge_password)}")
        acl += ["", f"user {bridge_user}", "topic read poles/#"]
    acl += [
        "",
        "# Every pole (user name = pole number) publishes only to its own topics.",
        "pattern write poles/%u/readings",
        "pattern write poles/%u/events",
    ]
    directory.mkdir(parents=True, exist_ok=True)
    for name, lines in (("passwd", passwd), ("acl", acl)):
        target = directory / name
        tmp = directory / f".{name}.tmp"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(target)
    return len(passwd) - (1 if bridge_user and bridge_password else 0)
