"""Rate limits of anonymous writes and of writes that send e-mail.

Without them anyone could make the portal mail any address (draft links, defect reports,
follows, the accessibility feedback) or fill the staff queues. ``limit_check`` counts one
write of a *scope* (e.g. ``"defect_follow"``) per client IP and, if the write mails someone,
per target address, and raises ``RateLimited`` when a limit is reached. The rates come from
``RATE_LIMIT_IP``, ``RATE_LIMIT_API_KEY`` and ``RATE_LIMIT_ADDRESS`` ("count/period", e.g.
``5/h``).

The counters live in the cache (Redis in production, the local-memory cache in development):
a sliding-window counter of two fixed buckets per key, each bumped atomically with
``cache.add`` + ``cache.incr``, so concurrent workers never lose a count. A refused write is
taken back out, so it does not lengthen the wait. Keys are HMACs of the IP (IPv6 by its /64
network) and of the normalised address, so the cache holds neither in clear. If the cache is
unreachable the write is let through and a warning logged: a broken cache must not stop
citizens.

The client IP is ``REMOTE_ADDR``: gunicorn behind the city's proxy sets it; a client-supplied
``X-Forwarded-For`` is never trusted here.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def rate_parse(text: str) -> Rate:
    """``"5/h"``, ``"20/30m"``, ``"3/10s"``: that many writes per period."""
    match = _RATE.match(text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"not a rate (count/period, e.g. 5/h): {text!r}")
    amount, factor, unit = match.groups()
    return Rate(count=int(amount), seconds=int(factor or 1) * UNITS[unit])


class RateLimited(Exception):
    """Too many writes; ``retry_after`` is how many seconds until one is accepted again."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = max(1, int(retry_after))

    @property
    def message(self) -> str:
        """What the person is told, in the active language."""
        if self.retry_after < 60:
            wait = ngettext("{n} second", "{n} seconds", self.retry_after)
            wait = wait.format(n=self.retry_after)
        else:
            minutes = math.ceil(self.retry_after / 60)
            wait = ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
        return _("Too many requests. Please try again in {wait}.").format(wait=wait)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the rate limits see it (an IPv6 client by its /64 network)."""
    raw = request.META.get("REMOTE_ADDR", "") or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address) and not address.ipv4_mapped:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def digest(value: str) -> str:
    """A keyed hash for cache keys: the cache never holds an IP or an address in clear."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def address_normalise(email: str) -> str:
    return email.strip().lower()


def _retry_after(*, previous: int, current: int, rate: Rate, elapsed: float) -> int:
    """Seconds until ``previous * (1 - t / window) + current + 1 <= count`` holds again."""
    window = rate.seconds
    room = rate.count - current - 1
    if room >= 0 and previous > 0:
        # Within this bucket: wait until enough of the previous bucket has slid out.
        needed = window * (1 - room / previous)
        if needed < window:
            return math.ceil(max(needed - elapsed, 1))
    # The current bucket alone is full: wait for the next one, then for it to slide.
    rest = window - elapsed
    if current > rate.count - 1:
        rest += window * (1 - (rate.count - 1) / current)
    return math.ceil(max(rest, 1))


def hit(key: str, rate: Rate, *, now: float | None = None) -> int:
    """Count one write for ``key``; 0 if it is within ``rate``, else seconds to wait.

    A refused write is not counted. Sliding-window counter over two fixed buckets.
    """
    now = time.time() if now is None else now
    window = rate.seconds
    bucket = int(now // window)
    elapsed = now - bucket * window
    current_key = f"rl:{key}:{bucket}"
    cache.add(current_key, 0, timeout=2 * window + 1)
    try:
        current = cache.incr(current_key)
    except ValueError:  # evicted between add and incr
        cache.add(current_key, 1, timeout=2 * window + 1)
        current = 1
    previous = cache.get(f"rl:{key}:{bucket - 1}", 0)
    estimate = previous * (1 - elapsed / window) + current
    if estimate <= rate.count:
        return 0
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to take back
        cache.decr(current_key)
    return _retry_after(previous=previous, current=current - 1, rate=rate, elapsed=elapsed)


def limit_check(request: HttpRequest, *, scope: str, email: str = "", client: str = "") -> None:
    """Count one write of ``scope`` from this client (and to ``email``); raise RateLimited.

    The client is its IP, or ``client`` if given (an API key: a partner's server posts for
    many people from one address). It is counted first; a client refused by its own limit
    does not use up the address's allowance, so an attacker cannot block one person's
    e-mails by hammering from one place.
    """
    if client:
        checks = [(f"{scope}:key:{digest(client)}", rate_parse(settings.RATE_LIMIT_API_KEY))]
    else:
        checks = [(f"{scope}:ip:{digest(client_ip(request))}", rate_parse(settings.RATE_LIMIT_IP))]
    if email.strip():
        address = digest(address_normalise(email))
        checks.append((f"{scope}:to:{address}", rate_parse(settings.RATE_LIMIT_ADDRESS)))
    now = time.time()
    counted: list[tuple[str, Rate]] = []
    for key, rate in checks:
        try:
            wait = hit(key, rate, now=now)
        except Exception:  # the cache is down: let the write through rather than fail it
            logger.warning("rate limit %s not checked: the cache is unreachable", scope)
            return
        if wait:
            logger.info("rate limit %s reached (%s)", scope, key.split(":")[1])
            for done, done_rate in counted:  # the refused write counts nowhere
                with contextlib.suppress(Exception):
                    cache.decr(f"rl:{done}:{int(now // done_rate.seconds)}")
            raise RateLimited(wait)
        counted.append((key, rate))


def too_many(response: HttpResponse, exc: RateLimited) -> HttpResponse:
    """Make ``response`` a 429 with ``Retry-After``."""
    response.status_code = 429
    response["Retry-After"] = str(exc.retry_after)
    return response


# --- Sign-in -----------------------------------------------------------------------------------
# allauth limits failed sign-ins per IP and per (IP, account) pair (``AccountAdapter`` puts
# the IP into allauth's key), so a stranger's wrong passwords never lock the owner out. Across
# all IPs an account gets ``LOGIN_FAILURES_PER_ACCOUNT`` failures; past that, each attempt from
# an IP that has not signed in to the account before must wait a delay that doubles with every
# further failure (up to ``LOGIN_DELAY_MAX_SECONDS``). An IP the owner signed in from keeps
# working; nobody is locked out, an attacker with many addresses is slowed to a trickle.
TRUSTED_PAIR_SECONDS = 30 * 86400


def _login_keys(request: HttpRequest, login: str) -> tuple[str, str]:
    account = digest(address_normalise(login))
    return account, digest(f"{client_ip(request)}|{account}")


def login_wait(request: HttpRequest, *, login: str) -> int:
    """Seconds this client must wait before trying ``login`` again (0: go ahead)."""
    account, pair = _login_keys(request, login)
    try:
        if cache.get(f"rl:login:trusted:{pair}"):
            return 0
        until = cache.get(f"rl:login:wait:{account}", 0)
    except Exception:
        logger.warning("sign-in delay not checked: the cache is unreachable")
        return 0
    return math.ceil(until - time.time()) if until > time.time() else 0


def login_failed(request: HttpRequest, *, login: str) -> None:
    """Count a failed sign-in to ``login``; past the account's allowance, set the next delay."""
    account, _pair = _login_keys(request, login)
    rate = rate_parse(settings.LOGIN_FAILURES_PER_ACCOUNT)
    now = time.time()
    bucket = int(now // rate.seconds)
    key = f"rl:login:failed:{account}:{bucket}"
    try:
        cache.add(key, 0, timeout=2 * rate.seconds + 1)
        current = cache.incr(key)
        previous = cache.get(f"rl:login:failed:{account}:{bucket - 1}", 0)
        failures = previous * (1 - (now - bucket * rate.seconds) / rate.seconds) + current
        excess = math.floor(failures) - rate.count
        if excess >= 0:
            delay = min(2 ** min(excess, 20), settings.LOGIN_DELAY_MAX_SECONDS)
            cache.set(f"rl:login:wait:{account}", now + delay, timeout=delay + 1)
    except Exception:
        logger.warning("sign-in failure not counted: the cache is unreachable")


def login_succeeded(request: HttpRequest, *, login: str) -> None:
    """Remember that this IP signed in to ``login``: it is never delayed for this account."""
    _account, pair = _login_keys(request, login)
    try:
        cache.set(f"rl:login:trusted:{pair}", 1, timeout=TRUSTED_PAIR_SECONDS)
    except Exception:
        logger.warning("sign-in not remembered: the cache is unreachable")
