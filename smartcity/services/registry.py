"""The pole registry: device tokens, channels, and deleting poles and channels with their data."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.audit import audit_record
from portal.tokens import token_generate, token_hash
from smartcity.models import (
    ENVIRONMENT_KINDS,
    KINDS,
    Channel,
    ChannelKind,
    DeviceToken,
    Pole,
    Reading,
    mosquitto_hash,
)

TOKEN_BYTES = 32  # 43 characters: the length the poles' firmware has always been given


def pole_token_rotate(*, pole: Pole, actor=None) -> str:
    """Revoke the pole's token (if any) and make a new one. The token is returned only here."""
    token = token_generate(nbytes=TOKEN_BYTES)
    with transaction.atomic():
        DeviceToken.objects.filter(pole=pole, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        DeviceToken.objects.create(
            pole=pole,
            token_hash=token_hash(token),
            prefix=token[:6],
            mqtt_hash=mosquitto_hash(token),
        )
        audit_record(
            actor=actor, obj=pole, message=f"Device token rotated (new token {token[:6]}…)."
        )
    return token


def pole_token_revoke(*, pole: Pole, actor=None) -> int:
    """Revoke the pole's active token: it can send nothing until a new one is issued."""
    with transaction.atomic():
        revoked = DeviceToken.objects.filter(pole=pole, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            audit_record(actor=actor, obj=pole, message="Device token revoked.")
    return revoked


def channels_create_defaults(*, pole: Pole, actor=None) -> list[Channel]:
    """Give a pole the channels its capabilities imply (idempotent)."""
    kinds: list[str] = []
    if pole.has_light:
        kinds += [ChannelKind.LIGHT_LEVEL, ChannelKind.LAMP_POWER]
    if pole.has_environment:
        kinds += ENVIRONMENT_KINDS
    if pole.has_charger:
        kinds += [ChannelKind.CHARGER_POWER, ChannelKind.ENERGY]
    if pole.has_wifi:
        kinds += [ChannelKind.WIFI_CLIENTS]
    channels = []
    created_keys = []
    with transaction.atomic():
        for kind in kinds:
            info = KINDS[kind]
            channel, created = Channel.objects.get_or_create(
                pole=pole,
                key=str(kind),
                defaults={
                    "kind": kind,
                    "unit": info.unit,
                    "minimum": info.minimum,
                    "maximum": info.maximum,
                },
            )
            channels.append(channel)
            if created:
                created_keys.append(channel.key)
        if created_keys:
            audit_record(
                actor=actor,
                obj=pole,
                message="Channels created: {keys}.".format(keys=", ".join(created_keys)),
            )
    return channels


def channels_delete(*, channels: QuerySet[Channel]) -> int:
    """Delete channels with their readings, rollups and alarms (the admin's only way).

    The readings table has no database foreign key, so the channel rows are locked first: a
    worker writing one of these channels finishes (its readings are then deleted here) or waits
    and then finds the channel gone (and drops its readings).
    """
    with transaction.atomic():
        ids = list(
            Channel.objects.filter(pk__in=channels.values("pk"))
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Reading.objects.filter(channel_id__in=ids).delete()
        return Channel.objects.filter(pk__in=ids).delete()[0]


def poles_delete(*, poles: QuerySet[Pole]) -> int:
    """Delete poles with their channels (see ``channels_delete``) and everything else of them."""
    with transaction.atomic():
        channels_delete(channels=Channel.objects.filter(pole__in=poles))
        return poles.delete()[0]
