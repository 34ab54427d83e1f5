"""Fixtures of the Beteiligungsplattform: a concept with versions, a process whose running
phases a test chooses, and the roles (citizen, moderator, council member, staff)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from participation import services
from participation.models import ConceptDocument, FieldOfAction, Phase, PhaseKind, Process, Section
from portal.models import Role
from tests.factories import UserFactory

ALL_KINDS = [k.value for k in PhaseKind]


def _with_role(user, role: Role):
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@pytest.fixture
def moderator(db):
    return _with_role(
        UserFactory(email="mira@stadt.example", name="Mira Moderatorin", mfa=True), Role.MODERATOR
    )


@pytest.fixture
def council_member(db):
    return _with_role(UserFactory(email="rat@example.org", name="Rita Rat"), Role.COUNCIL_MEMBER)


@pytest.fixture
def field(db):
    return FieldOfAction.objects.create(
        slug="infrastruktur", name="Digitale Infrastruktur", order=3
    )


def add_section(document, key, number, title, body, chapter=1):
    return Section.objects.create(
        document=document,
        key=key,
        chapter=chapter,
        chapter_title="Handlungsfelder",
        number=number,
        title=title,
        body=body,
    )


@pytest.fixture
def document(db, moderator):
    """A concept with one published version of three sections."""
    doc = ConceptDocument.objects.create(title="Digitale Europastadt im Grünen", slug="konzept")
    add_section(doc, "wlan", 1, "Freies WLAN", "WLAN am Marktplatz.")
    add_section(doc, "schulen", 2, "Schulen", "Tablets für alle Schulen.")
    add_section(doc, "papier", 3, "Papierformulare", "Formulare bleiben im Bürgerbüro.")
    services.document_publish(document=doc, user=moderator, change_note="Erste Fassung")
    return doc


def make_process(*kinds: str, document=None, moderation="post", threshold=3) -> Process:
    """A process whose phases of ``kinds`` run now; the others lie in the past."""
    now = timezone.now()
    process = Process.objects.create(
        title="Konzept weiterentwickeln",
        slug=f"p-{Process.objects.count() + 1}",
        document=document,
        moderation=moderation,
        support_threshold=threshold,
    )
    for kind in ALL_KINDS:
        if kind in kinds:
            start, end = now - timedelta(days=1), now + timedelta(days=10)
        else:
            start, end = now - timedelta(days=30), now - timedelta(days=20)
        Phase.objects.create(process=process, kind=kind, starts_at=start, ends_at=end)
    return Process.objects.prefetch_related("phases").get(pk=process.pk)


@pytest.fixture
def process(document):
    """Commenting, proposals and survey run now; comments appear at once."""
    return make_process("commenting", "proposals", "survey", document=document)


@pytest.fixture
def premoderated(document):
    return make_process("commenting", "proposals", document=document, moderation="pre")
