"""Demo content of the Beteiligungsplattform: the concept "Digitale Europastadt im Grünen" in our
own words, two published versions, a running process with a survey, proposals, comments and the
demo projects.

Idempotent: everything is looked up by its slug or key; versions, phases, questions, proposals
and comments are only created when there are none yet.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from participation import demo_en, services
from participation.models import (
    Comment,
    CommentStatus,
    ConceptDocument,
    FieldOfAction,
    Milestone,
    Moderation,
    Phase,
    PhaseAction,
    PhaseKind,
    PhaseRole,
    Process,
    Project,
    ProjectStatus,
    ProjectUpdate,
    Proposal,
    Question,
    QuestionKind,
    Section,
    StrategicGoal,
    Survey,
)
from portal.models import Role, User

FIELDS = [
    (
        "verwaltung",
        "Digitale Verwaltung",
        "Digital administration",
        "Die Stadtverwaltung bietet ihre Leistungen online an und arbeitet intern papierarm.",
        [
            ("1.1", "online-leistungen", "Leistungen vollständig online", "Services fully online"),
            ("1.2", "e-akte", "Papierarm arbeiten mit der E-Akte", "Paperless work with e-files"),
            ("1.3", "offene-daten", "Daten der Stadt offen teilen", "Share the city's data openly"),
        ],
    ),
    (
        "wirtschaft",
        "Smarte Wirtschaft",
        "Smart economy",
        "Unternehmen vor Ort finden digitale Angebote, Beratung und schnelle Verbindungen.",
        [
            ("2.1", "gruendung-digital", "Gründen und Genehmigen digital", "Digital start-ups"),
            ("2.2", "handel-vor-ort", "Den Handel vor Ort digital stärken", "Local retail online"),
        ],
    ),
    (
        "infrastruktur",
        "Digitale Infrastruktur",
        "Digital infrastructure",
        "Glasfaser, Mobilfunk und freies WLAN bilden die Grundlage aller anderen Felder.",
        [
            ("3.1", "glasfaser", "Glasfaser für jedes Haus", "Fibre for every building"),
            ("3.2", "freies-wlan", "Freies WLAN an öffentlichen Orten", "Free public WiFi"),
            ("3.3", "smarte-masten", "Smarte Lichtmasten als Plattform", "Smart poles"),
        ],
    ),
    (
        "bildung",
        "Digitale Bildung",
        "Digital education",
        "Schulen, Bibliothek und Volkshochschule vermitteln Medienkompetenz für alle Generationen.",
        [
            ("4.1", "schulen-ausstatten", "Schulen zeitgemäß ausstatten", "Equip schools"),
            ("4.2", "medienkompetenz", "Medienkompetenz für alle Altersgruppen", "Media literacy"),
        ],
    ),
    (
        "mobilitaet",
        "Smarte und nachhaltige Mobilität",
        "Smart and sustainable mobility",
        "Wege in der Stadt werden einfacher, sauberer und besser vernetzt.",
        [
            ("5.1", "laden-e-mobilitaet", "Laden für E-Fahrzeuge ausbauen", "EV charging"),
            ("5.2", "mobilitaet-informieren", "Mobilitätsangebote verknüpft zeigen", "Linked info"),
        ],
    ),
    (
        "energie-umwelt",
        "Smartes Energie- und Umweltmanagement",
        "Smart energy and environment management",
        "Messen, verstehen, sparen: Daten helfen beim Klimaschutz und bei der Klimaanpassung.",
        [
            ("6.1", "umweltdaten", "Umweltdaten messen und veröffentlichen", "Environment data"),
            ("6.2", "energie-sparen", "Energie in städtischen Gebäuden sparen", "Save energy"),
        ],
    ),
]

# key, chapter, chapter title, number, title, body, field slug
VERSION_1 = [
    (
        "einleitung",
        1,
        "Worum es geht",
        1,
        "Warum ein Digitalisierungskonzept",
        "Castrop-Rauxel will die Chancen der Digitalisierung für alle nutzen, die hier leben, "
        "arbeiten und lernen. Das Konzept beschreibt, **wohin** die Stadt will und **woran** sie "
        "neue Projekte misst.",
        "",
    ),
    (
        "leitbild",
        1,
        "Worum es geht",
        2,
        "Leitbild: Europastadt im Grünen",
        "Die Stadt verbindet ihre grüne Lage mit digitalen Angeboten. Technik ist dabei kein "
        "Selbstzweck: Sie soll das Leben einfacher machen und Ressourcen schonen.",
        "",
    ),
    (
        "verwaltung",
        2,
        "Die sechs Handlungsfelder",
        1,
        "Digitale Verwaltung",
        "Anträge sollen rund um die Uhr online möglich sein. Intern ersetzt die E-Akte "
        "Papierwege.\n\n- Serviceportal mit Statusverfolgung\n- E-Akte in allen Fachbereichen",
        "verwaltung",
    ),
    (
        "wirtschaft",
        2,
        "Die sechs Handlungsfelder",
        2,
        "Smarte Wirtschaft",
        "Gewerbetreibende erledigen Anmeldungen digital. Der Handel in der Innenstadt erhält "
        "Unterstützung beim Schritt ins Netz.",
        "wirtschaft",
    ),
    (
        "infrastruktur",
        2,
        "Die sechs Handlungsfelder",
        3,
        "Digitale Infrastruktur",
        "Glasfaser und Mobilfunk werden ausgebaut. An zentralen Plätzen gibt es freies WLAN.",
        "infrastruktur",
    ),
    (
        "bildung",
        2,
        "Die sechs Handlungsfelder",
        4,
        "Digitale Bildung",
        "Alle Schulen erhalten eine verlässliche Ausstattung. Der Medienentwicklungsplan legt "
        "fest, was wann angeschafft wird.",
        "bildung",
    ),
    (
        "mobilitaet",
        2,
        "Die sechs Handlungsfelder",
        5,
        "Smarte und nachhaltige Mobilität",
        "Ladepunkte für Elektrofahrzeuge entstehen im ganzen Stadtgebiet.",
        "mobilitaet",
    ),
    (
        "energie-umwelt",
        2,
        "Die sechs Handlungsfelder",
        6,
        "Smartes Energie- und Umweltmanagement",
        "Sensoren messen Luftqualität, Temperatur und Lärm. Städtische Gebäude sparen Energie "
        "durch bessere Steuerung.",
        "energie-umwelt",
    ),
    (
        "papierformulare",
        3,
        "Umsetzung",
        1,
        "Übergangsweise Papierformulare",
        "Bis alle Leistungen online sind, bleiben Papierformulare im Bürgerbüro erhältlich.",
        "",
    ),
    (
        "steuerung",
        3,
        "Umsetzung",
        2,
        "Steuerung und Auswahl der Projekte",
        "Eine Lenkungsgruppe wählt Projekte danach aus, wie gut sie den strategischen Zielen "
        "dienen. Sie berichtet dem Rat einmal im Jahr.",
        "",
    ),
]

# Version 2: one section changed, one added, one removed.
VERSION_2_CHANGES = {
    "mobilitaet": "Ladepunkte für Elektrofahrzeuge entstehen im ganzen Stadtgebiet, viele davon "
    "an smarten Lichtmasten. Eine App zeigt Bus, Rad und Ladepunkte auf einen Blick.",
    "steuerung": "Eine Lenkungsgruppe wählt Projekte danach aus, wie gut sie den strategischen "
    "Zielen dienen. Vorschläge aus der Bürgerschaft mit genügend Unterstützung werden dabei "
    "geprüft. Die Lenkungsgruppe berichtet dem Rat zweimal im Jahr.",
}
VERSION_2_ADDED = (
    "beteiligung", 3, "Umsetzung", 3, "Beteiligung der Bürgerschaft",
    "Das Konzept ist ein lebendes Dokument. Auf der Beteiligungsplattform kann jede und jeder "
    "Abschnitte kommentieren, Projektideen vorschlagen und an Umfragen teilnehmen.", "",
)  # fmt: skip
VERSION_2_REMOVED = "papierformulare"

PROJECTS = [
    (
        "serviceportal",
        "Serviceportal",
        "Verwaltungsleistungen online beantragen und den Stand verfolgen.",
        "verwaltung",
        ["online-leistungen", "e-akte"],
        ProjectStatus.IN_PROGRESS,
        60,
        "Stabsstelle Digitalisierung",
        [("Erste zehn Leistungen online", -120, True), ("Alle Leistungen mit Gebühr", 90, False)],
    ),
    (
        "cas-app",
        "CAS-App mit digitalen Stadtführungen",
        "Die Stadt-App mit Terminen, Meldungen und Stadtführungen zum Mitnehmen.",
        "wirtschaft",
        ["handel-vor-ort", "mobilitaet-informieren"],
        ProjectStatus.PLANNED,
        10,
        "Stadtmarketing",
        [("Ausschreibung", 60, False), ("Erste Stadtführung", 200, False)],
    ),
    (
        "medienentwicklungsplan",
        "Medienentwicklungsplan Schulen",
        "Ausstattung, Netz und Fortbildung für alle städtischen Schulen planen.",
        "bildung",
        ["schulen-ausstatten", "medienkompetenz"],
        ProjectStatus.IN_PROGRESS,
        45,
        "Schulverwaltung",
        [("Bestandsaufnahme", -200, True), ("WLAN in allen Schulen", 150, False)],
    ),
    (
        "smart-poles",
        "Smart Poles",
        "Lichtmasten, die leuchten, Fahrzeuge laden, messen und WLAN anbieten.",
        "infrastruktur",
        ["smarte-masten", "laden-e-mobilitaet", "umweltdaten"],
        ProjectStatus.IN_PROGRESS,
        35,
        "Tiefbau und Straßen",
        [("Zwölf Masten in Betrieb", -30, True), ("Ausbau Innenstadt", 180, False)],
    ),
    (
        "ladepunkte-lichtmasten",
        "Ladepunkte an Lichtmasten",
        "E-Autos an smarten Lichtmasten laden, ohne eigene Ladesäule im Straßenraum.",
        "mobilitaet",
        ["laden-e-mobilitaet"],
        ProjectStatus.IN_PROGRESS,
        55,
        "Tiefbau und Straßen",
        [("Sieben Masten mit Ladepunkten", -45, True), ("Ladepunkte in Ickern", 120, False)],
    ),
    (
        "freies-wlan",
        "Freies WLAN",
        "Kostenloses WLAN in der Innenstadt, an Schulen und in öffentlichen Gebäuden.",
        "infrastruktur",
        ["freies-wlan"],
        ProjectStatus.COMPLETED,
        100,
        "Stabsstelle Digitalisierung",
        [("Altstadt und Europaplatz", -300, True), ("Rathaus und Bibliothek", -100, True)],
    ),
]

PROPOSALS = [
    ("Sitzbänke mit Ladebuchse im Stadtgarten",
     "Solarbetriebene Bänke, an denen man das Handy laden kann, mit WLAN-Hinweis.",
     "infrastruktur", 3),
    ("Online-Terminbuchung für die Bibliothek",
     "Lernplätze und Beratungstermine der Stadtbibliothek online buchen können.",
     "bildung", 1),
    ("Echtzeit-Anzeige freier Ladepunkte",
     "Eine Karte, die zeigt, welche Ladepunkte gerade frei sind.",
     "mobilitaet", 5),
]  # fmt: skip

SURVEY_QUESTIONS = [
    ("Welche Online-Leistung nutzen Sie am ehesten?", QuestionKind.SINGLE, True,
     "Bewohnerparkausweis\nHundeanmeldung\nMängelmelder\nTerminbuchung"),
    ("Wo wünschen Sie sich freies WLAN?", QuestionKind.MULTIPLE, False,
     "Innenstadt\nBahnhof\nSportplätze\nParks"),
    ("Wie wichtig ist Ihnen die Digitalisierung der Verwaltung?", QuestionKind.SCALE, True, ""),
    ("Was sollte die Stadt als Nächstes digitalisieren?", QuestionKind.TEXT, False, ""),
]  # fmt: skip


def _user(email: str, name: str, role: Role | None = None) -> User:
    from portal.management.commands.load_demo import DEMO_PASSWORD, demo_totp_activate

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user.groups.add(Group.objects.get_or_create(name=Role.CITIZEN.value)[0])
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        demo_totp_activate(user)
    return user


def _fields() -> dict[str, FieldOfAction]:
    result = {}
    for order, (slug, name, name_en, description, goals) in enumerate(FIELDS, start=1):
        field, _ = FieldOfAction.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "order": order, "description": description},
        )
        for code, goal_slug, title, title_en in goals:
            StrategicGoal.objects.get_or_create(
                slug=goal_slug,
                defaults={"field": field, "code": code, "title": title, "title_en": title_en},
            )
        result[slug] = field
    return result


def _set_draft(document: ConceptDocument, rows, fields) -> None:
    document.sections.filter(version__isnull=True).delete()
    for key, chapter, chapter_title, number, title, body, field_slug in rows:
        Section.objects.create(
            document=document,
            key=key,
            chapter=chapter,
            chapter_title=chapter_title,
            number=number,
            title=title,
            body=body,
            field_of_action=fields.get(field_slug),
        )


def _document(fields, editor) -> ConceptDocument:
    document, _ = ConceptDocument.objects.get_or_create(
        slug="digitale-europastadt",
        defaults={
            "title": "Digitale Europastadt im Grünen",
            "summary": "Das Digitalisierungskonzept der Stadt Castrop-Rauxel: sechs "
            "Handlungsfelder, ihre Ziele und wie die Stadt Projekte auswählt.",
        },
    )
    document.fields_of_action.add(*fields.values())
    if document.versions.exists():
        return document
    _set_draft(document, VERSION_1, fields)
    first = services.document_publish(
        document=document, user=editor, change_note="Erste Fassung, vom Rat beschlossen."
    )
    services.version_decision_record(
        version=first,
        user=editor,
        decided_by="Rat der Stadt Castrop-Rauxel",
        decision_reference="2026/0417",
        decided_on=timezone.localdate(),
    )
    rows = [
        (*row[:5], VERSION_2_CHANGES.get(row[0], row[5]), row[6])
        for row in VERSION_1
        if row[0] != VERSION_2_REMOVED
    ]
    rows.append(VERSION_2_ADDED)
    rows = [(*r[:3], n, *r[4:]) if r[1] == 3 else r for n, r in _numbered(rows)]
    _set_draft(document, rows, fields)
    services.document_publish(
        document=document,
        user=editor,
        change_note="Mobilität um Laden an Lichtmasten ergänzt, Beteiligung aufgenommen, "
        "Übergangsregel für Papierformulare gestrichen.",
    )
    return document


def _numbered(rows):
    """Renumber chapter 3 after the removal (the key stays, so the diff still matches)."""
    counter = 0
    for row in rows:
        if row[1] == 3:
            counter += 1
            yield counter, row
        else:
            yield row[3], row


def _process(document) -> Process:
    process, created = Process.objects.get_or_create(
        slug="konzept-2026",
        defaults={
            "title": "Das Digitalisierungskonzept weiterentwickeln",
            "description": "Kommentieren Sie das Konzept, schlagen Sie Projekte vor und nehmen "
            "Sie an der Umfrage teil. Die Ergebnisse fließen in die nächste Fassung ein.",
            "document": document,
            "moderation": Moderation.PRE,
            "support_threshold": 10,
        },
    )
    if created:
        now = timezone.now()
        day = timedelta(days=1)
        for kind, start, end in [
            (PhaseKind.INFORMATION, -30, -14),
            (PhaseKind.COMMENTING, -14, 30),
            (PhaseKind.PROPOSALS, -14, 30),
            (PhaseKind.SURVEY, -7, 21),
            (PhaseKind.EVALUATION, 30, 60),
        ]:
            Phase.objects.create(
                process=process, kind=kind, starts_at=now + start * day, ends_at=now + end * day
            )
    return process


BUDGET_PROPOSALS = [
    (
        "Sitzbänke mit Solar-Ladestation am Marktplatz",
        "Zwei Bänke mit USB-Anschluss und Solarmodul, damit man unterwegs das Telefon laden kann.",
        "energie-umwelt",
    ),
    (
        "Digitale Anzeigetafel an der Bushaltestelle Rathaus",
        "Abfahrtszeiten in Echtzeit, auch vorgelesen auf Knopfdruck.",
        "mobilitaet",
    ),
]


def _budget_process(people, fields) -> Process:
    """A second process running beside the concept's: the citizens' budget. Ideas are collected
    first; supports count only in the voting phase that follows, and council members may
    comment on the ideas while they are collected (its own rules, set per phase)."""
    process, created = Process.objects.get_or_create(
        slug="buergerhaushalt-2027",
        defaults={
            "title": "Bürgerhaushalt 2027: Digitale Ideen für Castrop-Rauxel",
            "description": "50.000 Euro für digitale Ideen aus der Bürgerschaft. Reichen Sie "
            "Vorschläge ein; in der Abstimmungsphase entscheiden die Unterstützungen, welche "
            "Ideen der Rat zuerst berät.",
            "moderation": Moderation.POST,
            "support_threshold": 25,
        },
    )
    if not created:
        return process
    now = timezone.now()
    day = timedelta(days=1)
    v, c = [PhaseRole.VERIFIED.value], [PhaseRole.COUNCIL_MEMBER.value]
    for kind, start, end, description, permissions in [
        (PhaseKind.INFORMATION, -21, -7, "Vorstellung des Budgets und der Regeln", {}),
        (
            PhaseKind.PROPOSALS,
            -7,
            21,
            "Ideen einreichen und diskutieren",
            {"propose": v, "comment": v + c, "react": v},
        ),
        (
            PhaseKind.COMMENTING,
            21,
            35,
            "Abstimmung: Ideen unterstützen",
            {"support": v, "comment": v, "react": v},
        ),
        (PhaseKind.EVALUATION, 35, 70, "Prüfung durch die Verwaltung und Ratsbeschluss", {}),
    ]:
        phase = Phase(
            process=process,
            kind=kind,
            starts_at=now + start * day,
            ends_at=now + end * day,
            description=description,
            permissions={a: permissions.get(a, []) for a in PhaseAction.values},
        )
        phase.full_clean()
        phase.save()
    for n, (title, description, field_slug) in enumerate(BUDGET_PROPOSALS):
        Proposal.objects.create(
            process=process,
            author=people[n % len(people)],
            title=title,
            description=description,
            field_of_action=fields[field_slug],
            created_at=now - timedelta(days=5 - n),
        )
    return process


def _survey(process) -> None:
    survey, _ = Survey.objects.get_or_create(
        process=process,
        title="Umfrage: Digitale Angebote der Stadt",
        defaults={"description": "Fünf Minuten, vier Fragen. Eine Antwort pro Konto."},
    )
    if survey.questions.exists():
        return
    for order, (text, kind, required, choices) in enumerate(SURVEY_QUESTIONS, start=1):
        Question.objects.create(
            survey=survey, order=order, text=text, kind=kind, required=required, choices=choices
        )


def _participation(process, document, fields, people, moderator) -> None:
    if process.proposals.exists():
        return
    now = timezone.now()
    for n, (title, description, field_slug, supports) in enumerate(PROPOSALS):
        proposal = Proposal.objects.create(
            process=process,
            author=people[n % len(people)],
            title=title,
            description=description,
            field_of_action=fields[field_slug],
            support_count=supports,
            created_at=now - timedelta(days=10 - n),
            # The first one has a place (Stadtgarten), so its page shows a map.
            latitude=Decimal("51.552300") if n == 0 else None,
            longitude=Decimal("7.311600") if n == 0 else None,
        )
        Comment.objects.create(
            process=process,
            proposal=proposal,
            author=people[(n + 1) % len(people)],
            body="Gute Idee, das würde ich nutzen.",
            created_at=now - timedelta(days=5 - n),
        )
    latest = document.versions.order_by("-number").first()
    section = latest.sections.get(key="mobilitaet")
    question = Comment.objects.create(
        process=process,
        section=section,
        author=people[0],
        body="Werden die Ladepunkte an den Lichtmasten auch für E-Bikes geeignet sein?",
        created_at=now - timedelta(days=3),
    )
    Comment.objects.create(
        process=process,
        section=section,
        parent=question,
        author=moderator,
        is_official=True,
        body="Ja, an den neuen Masten ist je eine Steckdose für E-Bikes vorgesehen.",
        created_at=now - timedelta(days=2),
    )
    Comment.objects.create(
        process=process,
        section=latest.sections.get(key="bildung"),
        author=people[1],
        body="Bitte auch die Fortbildung der Lehrkräfte mitdenken.",
        status=CommentStatus.VISIBLE,
        created_at=now - timedelta(days=1),
    )


# The live figures each project shows, from the pole group it built (smartcity.demo.GROUPS).
LIVE = {
    "smart-poles": ("smart-poles", ["poles", "wifi", "charging", "air"]),
    "freies-wlan": ("freies-wlan", ["poles", "wifi"]),
    "ladepunkte-lichtmasten": ("ladepunkte", ["poles", "charging"]),
}


def _projects(fields, process) -> None:
    today = timezone.localdate()
    for slug, title, summary, field_slug, goals, status, progress, office, stones in PROJECTS:
        project, created = Project.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "description": summary,
                "field_of_action": fields[field_slug],
                "status": status,
                "progress": progress,
                "responsible_office": office,
                "pole_group": LIVE.get(slug, ("", []))[0],
                "live_figures": LIVE.get(slug, ("", []))[1],
            },
        )
        if not created:
            continue
        project.goals.set(StrategicGoal.objects.filter(slug__in=goals))
        for name, days, done in stones:
            Milestone.objects.create(
                project=project, title=name, due_date=today + timedelta(days=days), done=done
            )
        ProjectUpdate.objects.create(
            project=project,
            title="Projektstand",
            body=f"{summary} Der aktuelle Fortschritt liegt bei {progress} Prozent.",
        )


def load(stdout) -> None:
    from portal.management.commands.load_demo import DEMO_PASSWORD

    with transaction.atomic():
        fields = _fields()
        moderator = _user("moderation@example.org", "Mira Moderatorin", Role.MODERATOR)
        people = [
            _user("buerger@example.org", "Bürgerin Beispiel"),
            _user("anwohner@example.org", "Anton Anwohner"),
        ]
        document = _document(fields, moderator)
        process = _process(document)
        _survey(process)
        _participation(process, document, fields, people, moderator)
        _projects(fields, process)
        _budget_process(people, fields)
        demo_en.apply()
    stdout.write(
        "Participation: concept, two processes, survey, proposals and projects loaded.\n"
        f"  Moderator: moderation@example.org / {DEMO_PASSWORD}\n"
    )
