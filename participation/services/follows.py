"""Following a process, a section (across versions) or a proposal, for e-mails on news."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from participation import rules
from participation.models import ConceptDocument, Follow, Process, Proposal
from portal.api import ApplicationError


def follow_toggle(
    *,
    user,
    process: Process | None = None,
    proposal: Proposal | None = None,
    document: ConceptDocument | None = None,
    section_key: str = "",
) -> bool:
    """Follow or unfollow. Returns True if the user follows afterwards."""
    if not rules.can_follow(user):
        raise PermissionDenied
    given = {"process": process, "proposal": proposal, "document": document}
    target: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    if len(target) != 1:
        raise ApplicationError(_("Nothing to follow."))
    if document is not None:
        target["section_key"] = section_key
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(user=user, **target).delete()
        if deleted:
            return False
        follow = Follow(user=user, **target)
        follow.full_clean()
        follow.save()
    return True
