"""The profile page ("Mein Konto") lists the person's own comments, proposals and reports."""

import pytest

from participation import services
from tests.services.test_defects import report

pytestmark = pytest.mark.django_db


def test_the_profile_lists_my_own_contributions_with_their_status(
    client, process, document, field, citizen_a, citizen_b, moderator, defect_service
):
    section = document.versions.first().sections.get(key="wlan")
    services.comment_create(user=citizen_a, process=process, section=section, body="Mehr WLAN!")
    rude = services.comment_create(user=citizen_a, process=process, section=section, body="Doof")
    services.comment_hide(comment=rude, moderator=moderator, reason="Beleidigung")
    services.comment_create(user=citizen_b, process=process, section=section, body="Von Bob")
    proposal = services.proposal_create(
        user=citizen_a,
        process=process,
        title="Bänke am Marktplatz",
        description="Mehr Sitzplätze.",
        field_of_action=field,
    )
    services.proposal_support(proposal=proposal, user=citizen_b)
    defect = report(user=citizen_a, email=citizen_a.email)
    client.force_login(citizen_a)

    page = " ".join(client.get("/accounts/profile/").content.decode().split())

    assert "Meine Kommentare" in page
    assert "Mehr WLAN!</a> – <strong>Sichtbar</strong>" in page
    assert "Doof</a> – <strong>Ausgeblendet</strong> (Grund: Beleidigung)" in page
    assert "Von Bob" not in page
    assert f'href="/mitmachen/vorschlaege/{proposal.pk}/"' in page
    assert "Bänke am Marktplatz</a> – <strong>Eingereicht</strong> (1 Unterstützung)" in page
    assert f"{defect.case.reference}: " in page
    assert "Meine Mängelmeldungen" in page
