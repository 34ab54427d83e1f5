import re
from pathlib import Path

import pytest
from django.core import mail

from portal import mail as outbox
from portal.models import AccessibilityFeedback, OutgoingEmail

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_accessibility_feedback_is_stored_and_mailed_to_the_city_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "barrierefreiheit@stadt.example"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/barrierefreiheit/",
            {
                "page_url": "/services/",
                "message": "Der Kontrast ist zu schwach.",
                "name": "Erika",
                "email": "erika@example.org",
            },
            follow=True,
        )

    assert "Vielen Dank" in response.content.decode()
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.forwarded_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["barrierefreiheit@stadt.example"]
    assert mail.outbox[0].reply_to == ["erika@example.org"]
    assert "Der Kontrast ist zu schwach." in mail.outbox[0].body

    # A second delivery of the same task sends nothing.
    queued = OutgoingEmail.objects.get(key=f"portal.accessibility_feedback:{feedback.pk}")
    assert outbox.mail_send(email_id=queued.pk) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "message"),
    [("", "Dieses Feld ist zwingend erforderlich."), ("/en", "This field is required.")],
)
def test_empty_feedback_is_refused_in_the_visitors_language(client, prefix, message):
    response = client.post(f"{prefix}/barrierefreiheit/", {"message": "  ", "email": "x"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_german_is_the_default_and_english_is_complete(client):
    german = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    assert '<html lang="de">' in german
    assert "Digitale Dienste der Stadt Castrop-Rauxel" in german
    assert '<html lang="en">' in english
    assert "Digital services of the City of Castrop-Rauxel" in english
    assert 'href="/en/impressum/"' in english  # the links stay in the chosen language


@pytest.mark.parametrize(
    "catalog",
    [
        "locale/de/LC_MESSAGES/django.po",
        "portal/allauth_de/locale/de/LC_MESSAGES/django.po",  # formal overrides for allauth
        *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/locale/de/LC_MESSAGES/django.po")),
    ],
)
def test_every_string_has_a_german_translation(catalog):
    po = (ROOT / catalog).read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po, flags=re.MULTILINE)
    plurals = re.findall(r'^msgstr\[\d\] "(.*)"$', po, flags=re.MULTILINE)

    assert len(entries) > 20
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    assert "" not in plurals
    assert "#, fuzzy" not in po


@pytest.mark.django_db
def test_german_content_on_english_pages_is_marked_as_german(client):
    from tests.services.factories import ServiceFactory

    service = ServiceFactory(name="Hund anmelden")

    german = client.get(f"/services/{service.slug}/").content.decode()
    english = client.get(f"/en/services/{service.slug}/").content.decode()

    assert '<h1 class="kern-heading-x-large">Hund anmelden</h1>' in german
    assert '<h1 class="kern-heading-x-large" lang="de">Hund anmelden</h1>' in english
    assert '<html lang="en">' in english
