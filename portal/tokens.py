"""Secrets handed to people and devices: generated here, stored only as a hash, compared here.

Every link secret (draft links, anonymous case links, survey invitations), API key (Open311) and
device token (smart poles) of the portal goes through these three functions. The secrets are long
random strings, so one round of SHA-256 is enough: no dictionary attack applies to 192 random bits,
and a lookup by hash stays one indexed equality.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

DEFAULT_BYTES = 24  # 192 bits of randomness: 32 characters in URL-safe base64


def token_generate(*, nbytes: int = DEFAULT_BYTES) -> str:
    """A new random secret, safe in URLs and HTTP headers."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """The value to store and to look a secret up by (64 hexadecimal characters)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Whether ``token`` is the secret behind ``stored_hash``, in constant time.

    An empty stored hash never matches (a revoked or never-issued secret).
    """
    if not stored_hash or not token:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)
