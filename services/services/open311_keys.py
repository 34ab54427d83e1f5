"""Open311 API keys: issued (the raw key is shown once), renamed, revoked, checked.

Only the hash is stored (``portal.tokens``); every staff change is in the key's history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_record
from portal.models import User
from portal.tokens import token_generate, token_hash
from services.models import Open311Key


@transaction.atomic
def key_create(*, name: str, actor: User | None = None) -> tuple[Open311Key, str]:
    """Issue a key. The raw key is returned once and never stored."""
    raw = token_generate(nbytes=32)
    key = Open311Key(name=name.strip(), prefix=raw[:8], key_hash=token_hash(raw))
    key.full_clean()
    key.save()
    audit_record(actor=actor, obj=key, message="Issued the key.")
    return key, raw


@transaction.atomic
def key_rename(*, key: Open311Key, name: str, actor: User | None) -> Open311Key:
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    old = key.name
    key.name = name.strip()
    key.full_clean()
    key.save(update_fields=["name"])
    if key.name != old:
        audit_record(actor=actor, obj=key, message=f"Renamed from “{old}”.")
    return key


@transaction.atomic
def keys_revoke(*, keys: Iterable[Open311Key], actor: User | None) -> int:
    """Revoke keys that are still valid; returns how many were revoked."""
    count = 0
    now = timezone.now()
    for key in keys:
        revoked = Open311Key.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if revoked:
            audit_record(actor=actor, obj=key, message="Revoked the key.")
            count += 1
    return count


def key_is_valid(raw: str) -> bool:
    """Whether ``raw`` is an issued key that is not revoked."""
    if not raw:
        return False
    return Open311Key.objects.filter(key_hash=token_hash(raw), revoked_at__isnull=True).exists()
