"""Where a view may send the browser next: only back into this site.

A ``next`` parameter (or anything else the client sends) becomes a redirect target only if it
stays on this host; ``//evil.example``, ``/\\evil.example`` and ``https://evil.example/`` fall
back to the view's own default. Over HTTPS the target must be HTTPS too.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """``candidate`` if it is a URL on this site, else ``default``."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
