"""Shared fixtures: personas, service availability, and CI's no-skip rule."""

import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.utils import translation

from tests.factories import UserFactory

# In CI (.ci/run sets CI_NO_SKIP=1) a skipped test is a failure: CI must prove every path.
NO_SKIP = os.environ.get("CI_NO_SKIP") == "1"


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if NO_SKIP and skipped:
        reporter.write_sep("=", "CI_NO_SKIP: skipped tests are failures here", red=True)
        for report in skipped:
            reporter.write_line(f"{report.nodeid}: {report.longrepr[2]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _german_by_default():
    """Each test starts in German, the portal's default: a request to /en/ leaves English
    active in the test's thread, and content created then would get English fields."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """A fresh cache namespace per test, so rate limits of one test never leak into another."""
    caches = {alias: dict(conf) for alias, conf in django_settings.CACHES.items()}
    for conf in caches.values():
        conf["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    return url


@pytest.fixture
def postgres_db(db) -> None:
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(
            "needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1/portal)"
        )


# --- Personas -------------------------------------------------------------------------------
# Alice and Bob are citizens who must never see each other's data; Carla works in the
# responsible department, Dirk in another one; Ada administers.


@pytest.fixture
def citizen_a(db):
    return UserFactory(email="alice@example.org", name="Alice Ahrens")


@pytest.fixture
def citizen_b(db):
    return UserFactory(email="bob@example.org", name="Bob Brandt")


@pytest.fixture
def staff_with_mfa(db):
    return UserFactory(email="carla@stadt.example", name="Carla Clemens", staff=True, mfa=True)


@pytest.fixture
def staff_without_mfa(db):
    return UserFactory(email="dirk@stadt.example", name="Dirk Dahl", staff=True)


@pytest.fixture
def tax_office(db):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(name="Steueramt", slug="steueramt")


@pytest.fixture
def other_office(db):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(name="Ordnungsamt", slug="ordnungsamt")


@pytest.fixture
def case_worker(db, tax_office):
    """Carla works in the tax office, which handles the dog registration."""
    from portal.models import Role
    from tests.factories import UserFactory

    user = UserFactory(email="clemens@stadt.example", name="Clara Clemens", staff=True, mfa=True)
    user.departments.add(tax_office)
    user.groups.add(Group.objects.get_or_create(name=Role.CASE_WORKER.value)[0])
    return user


@pytest.fixture
def other_case_worker(db, other_office):
    """Dirk works in another department and must never see the tax office's cases."""
    from portal.models import Role
    from tests.factories import UserFactory

    user = UserFactory(email="dirk.o@stadt.example", name="Dirk Ohm", staff=True, mfa=True)
    user.departments.add(other_office)
    user.groups.add(Group.objects.get_or_create(name=Role.CASE_WORKER.value)[0])
    return user


@pytest.fixture
def defect_service(db):
    """The demo catalogue with the Mängelmelder and its routing, without demo reports."""
    from portal.models import Department
    from services import demo
    from services.models import Case

    for slug in ("steueramt", "ordnungsamt", "umwelt", "tiefbau", "buergerbuero"):
        Department.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    with open(os.devnull, "w") as devnull:
        demo.load(stdout=devnull)
    Case.objects.filter(defect__isnull=False).delete()  # start without the demo reports


@pytest.fixture
def media(settings, tmp_path):
    """Uploads of this test go to a folder of their own (returned), not to var/media."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root
