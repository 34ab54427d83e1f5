"""Fixtures of the ground-floor tests."""

from tests.portal.upstream import upstream  # noqa: F401 (the maps' fake tile server and geocoder)
