"""Reads of Smart City shared by pages, the API and the bridge."""

from __future__ import annotations

from smartcity.models import DeviceToken, Pole, PoleStatus, hash_token


def pole_for_token(authorization: str) -> Pole | None:
    """The pole a ``Bearer <token>`` header belongs to, if the token is active."""
    scheme, _sep, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return pole_for_secret(token.strip())


def pole_for_secret(token: str) -> Pole | None:
    found = (
        DeviceToken.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .exclude(pole__status=PoleStatus.RETIRED)
        .select_related("pole")
        .first()
    )
    return found.pole if found else None


def personal_data(*, user) -> dict:
    """Smart City keeps no personal data of citizens; operators' acknowledgements are listed."""
    from smartcity.models import Alarm

    return {
        "acknowledged_alarms": [
            {
                "pole": a.pole.number,
                "acknowledged_at": a.acknowledged_at.isoformat(),
                "note": a.note,
            }
            for a in Alarm.objects.filter(acknowledged_by=user).select_related("pole")
        ]
    }
