"""portal.ratelimit: anonymous writes that send e-mail are limited per IP and per address."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from portal import ratelimit
from portal.models import AccessibilityFeedback, OutgoingEmail
from services.models import Draft
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_sliding_window_refuses_past_the_rate_and_says_how_long_to_wait():
    rate = ratelimit.rate_parse("3/h")
    start = 7200.0  # the beginning of an hour bucket

    assert [ratelimit.hit("k", rate, now=start + i) for i in range(3)] == [0, 0, 0]
    wait = ratelimit.hit("k", rate, now=start + 10)
    # Full in this bucket: wait for the next one and for most of this one to slide out.
    assert 3600 <= wait <= 7200
    # A refused write does not count: half an hour into the next hour it is still full
    # (3 * 0.5 + 0 = 1.5, one more is 2.5 <= 3: accepted).
    assert ratelimit.hit("k", rate, now=start + 3600 + 1800) == 0


def test_rates_are_parsed_strictly():
    assert ratelimit.rate_parse("20/h") == ratelimit.Rate(count=20, seconds=3600)
    assert ratelimit.rate_parse("5/30m") == ratelimit.Rate(count=5, seconds=1800)
    for bad in ("", "0/h", "5", "5/x", "five/h"):
        with pytest.raises(ValueError, match="not a rate"):
            ratelimit.rate_parse(bad)


def test_the_cache_holds_neither_the_ip_nor_the_address(rf, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    request = rf.post("/", REMOTE_ADDR="192.0.2.44")
    ratelimit.limit_check(request, scope="x", email="Anna.Ahrens@Example.org")

    keys = " ".join(cache._cache.keys())  # the local-memory cache's raw keys
    assert "192.0.2.44" not in keys
    assert "anna" not in keys.lower()
    assert keys.count(":rl:x:") == 2


def test_an_ipv6_client_is_one_client_for_its_whole_network(rf):
    a = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    b = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")

    assert ratelimit.client_ip(a) == ratelimit.client_ip(b) == "2001:db8:1:2::"


def test_x_forwarded_for_from_the_client_is_ignored(rf, settings):
    settings.RATE_LIMIT_IP = "1/h"
    ratelimit.limit_check(rf.post("/", REMOTE_ADDR="192.0.2.1"), scope="x")

    forged = rf.post("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.limit_check(forged, scope="x")


def test_an_unreachable_cache_lets_the_write_through(rf, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    ratelimit.limit_check(rf.post("/", REMOTE_ADDR="192.0.2.1"), scope="x", email="a@b.de")


def test_the_draft_link_is_mailed_at_most_five_times_an_hour_to_one_address(client):
    service = ServiceFactory(anonymous=True)
    url = f"/services/{service.slug}/beantragen/"
    for n in range(5):  # from five places: the IP limit is not what stops it
        Client().post(url, {"email": "opfer@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")

    response = client.post(url, {"email": "Opfer@Example.org"}, REMOTE_ADDR="192.0.2.99")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Zu viele Anfragen. Bitte versuchen Sie es in" in response.content.decode()
    assert 'value="Opfer@Example.org"' in response.content.decode()  # the form, kept
    assert Draft.objects.count() == 5
    assert OutgoingEmail.objects.filter(to=["opfer@example.org"]).count() == 5


def test_one_ip_gets_twenty_draft_links_an_hour(client):
    service = ServiceFactory(anonymous=True)
    url = f"/services/{service.slug}/beantragen/"
    statuses = [
        client.post(url, {"email": f"n{n}@example.org"}, REMOTE_ADDR="192.0.2.7").status_code
        for n in range(21)
    ]

    assert statuses == [302] * 20 + [429]
    # Another IP is not affected.
    assert client.post(url, {"email": "x@example.org"}, REMOTE_ADDR="192.0.2.8").status_code == 302


def test_the_accessibility_feedback_is_limited_per_ip_in_english_too(client, settings):
    settings.RATE_LIMIT_IP = "2/h"
    data = {"message": "Der Kontrast ist zu schwach.", "page_url": "", "name": "", "email": ""}
    for _ in range(2):
        client.post("/barrierefreiheit/", data, REMOTE_ADDR="192.0.2.5")

    response = client.post("/en/barrierefreiheit/", data, REMOTE_ADDR="192.0.2.5")

    assert response.status_code == 429
    assert "Too many requests. Please try again in" in response.content.decode()
    assert "Der Kontrast ist zu schwach." in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 2


def test_concurrent_writes_on_redis_never_pass_the_limit(redis_url, settings):
    from concurrent.futures import ThreadPoolExecutor

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
        }
    }
    rate = ratelimit.rate_parse("20/h")
    now = 36000.0 + 60  # one moment early in an hour: no previous bucket

    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(lambda _i: ratelimit.hit("burst", rate, now=now), range(40)))

    assert waits.count(0) == 20


def test_a_write_refused_for_its_address_does_not_use_up_the_ips_allowance(client, settings):
    settings.RATE_LIMIT_IP, settings.RATE_LIMIT_ADDRESS = "3/h", "1/h"
    service = ServiceFactory(anonymous=True)
    url = f"/services/{service.slug}/beantragen/"
    client.post(url, {"email": "opfer@example.org"}, REMOTE_ADDR="192.0.2.7")
    for _ in range(3):  # refused: the address has had its link
        client.post(url, {"email": "opfer@example.org"}, REMOTE_ADDR="192.0.2.7")

    response = client.post(url, {"email": "ich@example.org"}, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302
