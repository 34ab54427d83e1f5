"""Settings of the Serviceportal benchmark server: the portal's own, plus a bare view's URL."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
