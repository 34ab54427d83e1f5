"""Demo catalogue of the Serviceportal: realistic services of a German city with their forms.

Idempotent: services are looked up by slug; a form is only created for a service that has none.
"""

from typing import Any

from django.db import transaction

from portal.models import Department
from services import demo_en, services
from services.models import FieldType, FormField, FormStep, Service, ServiceCategory

CATEGORIES = [
    ("wohnen", "Wohnen und Melden", 1),
    ("tiere", "Tiere und Steuern", 2),
    ("verkehr", "Verkehr und Straßen", 3),
    ("umwelt", "Umwelt und Abfall", 4),
    ("wirtschaft", "Wirtschaft und Gewerbe", 5),
]

# key, label_de, label_en, type, options
FieldSpec = tuple[str, str, str, FieldType, dict[str, Any]]

ADDRESS: FieldSpec = ("address", "Anschrift", "Address", FieldType.ADDRESS, {})
PHONE: FieldSpec = (
    "phone",
    "Telefon für Rückfragen",
    "Phone for questions",
    FieldType.PHONE,
    {"required": False},
)

# slug, category, department, name, summary, description, prerequisites, documents, fees, days,
# login level, steps: [(title_de, title_en, [(key, label_de, label_en, type, options)])]
SERVICES = [
    (
        "bewohnerparkausweis",
        "verkehr",
        "ordnungsamt",
        "Bewohnerparkausweis",
        "Parken im eigenen Wohngebiet ohne Parkschein.",
        "Wer in einer Bewohnerparkzone wohnt und dort mit Hauptwohnsitz gemeldet ist, kann einen "
        "Bewohnerparkausweis für ein Fahrzeug beantragen. Er gilt ein Jahr.",
        "Hauptwohnsitz in der Parkzone; das Fahrzeug ist auf Sie zugelassen oder Ihnen dauerhaft "
        "überlassen.",
        "Fahrzeugschein (Zulassungsbescheinigung Teil I)",
        "30,70 € pro Jahr",
        10,
        "account",
        [
            (
                "Fahrzeug",
                "Vehicle",
                [
                    (
                        "zone",
                        "Parkzone",
                        "Parking zone",
                        FieldType.CHOICE,
                        {
                            "choices": "A|Zone A – Altstadt|Zone A – old town\nB|Zone B – Rathaus/Europaplatz|"
                            "Zone B – town hall\nC|Zone C – Bahnhof|Zone C – station"
                        },
                    ),
                    (
                        "plate",
                        "Kennzeichen",
                        "Number plate",
                        FieldType.TEXT,
                        {
                            "pattern": r"^[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} ?[0-9]{1,4}[EH]?$",
                            "pattern_message": "Bitte im Format CAS-AB 123 eingeben.",
                            "help": "z. B. CAS-AB 123",
                        },
                    ),
                    (
                        "owner",
                        "Ist das Fahrzeug auf Sie zugelassen?",
                        "Is the vehicle registered to you?",
                        FieldType.CHOICE,
                        {
                            "choices": "yes|Ja|Yes\nno|Nein, es ist mir überlassen|No, it is "
                            "lent to me"
                        },
                    ),
                    (
                        "lending",
                        "Überlassungserklärung",
                        "Declaration of lending",
                        FieldType.FILE,
                        {"show_if": ("owner", "no")},
                    ),
                    ("registration", "Fahrzeugschein", "Vehicle registration", FieldType.FILE, {}),
                ],
            ),
            ("Kontakt", "Contact", [ADDRESS, PHONE]),
        ],
    ),
    (
        "hundeanmeldung",
        "tiere",
        "steueramt",
        "Hund anmelden (Hundesteuer)",
        "Melden Sie Ihren Hund innerhalb von zwei Wochen zur Hundesteuer an.",
        "Wer in Castrop-Rauxel einen Hund hält, muss ihn beim Steueramt anmelden. Sie erhalten "
        "eine Steuermarke und einen Steuerbescheid. Für Listenhunde gilt ein höherer Steuersatz.",
        "Der Hund lebt in Ihrem Haushalt in Castrop-Rauxel.",
        "Bei Listenhunden: Sachkundenachweis",
        "keine; Hundesteuer nach Satzung",
        14,
        "account",
        [
            (
                "Ihr Hund",
                "Your dog",
                [
                    (
                        "dog_name",
                        "Name des Hundes",
                        "Name of the dog",
                        FieldType.TEXT,
                        {"max_length": 60},
                    ),
                    (
                        "breed",
                        "Rasse",
                        "Breed",
                        FieldType.CHOICE,
                        {
                            "choices": "mix|Mischling oder andere Rasse|Mixed or other breed\n"
                            "listed|Listenhund (§ 10 LHundG NRW)|Listed breed"
                        },
                    ),
                    (
                        "certificate",
                        "Sachkundenachweis",
                        "Certificate of competence",
                        FieldType.FILE,
                        {"show_if": ("breed", "listed")},
                    ),
                    ("since", "Hund gehalten seit", "Dog kept since", FieldType.DATE, {}),
                ],
            ),
            ("Halterin oder Halter", "Owner", [ADDRESS, PHONE]),
        ],
    ),
    (
        "sperrmuell",
        "umwelt",
        "umwelt",
        "Sperrmüllabholung",
        "Bis zu 5 m³ Sperrmüll werden zweimal im Jahr kostenlos abgeholt.",
        "Möbel, Matratzen und Teppiche holt der Entsorgungsbetrieb an einem Termin vor Ihrer Haustür "
        "ab. Elektrogeräte melden Sie bitte getrennt an.",
        "",
        "",
        "zweimal im Jahr kostenlos, danach 35 €",
        7,
        "anonymous",
        [
            (
                "Abholung",
                "Pickup",
                [
                    ADDRESS,
                    (
                        "items",
                        "Was soll abgeholt werden?",
                        "What should be picked up?",
                        FieldType.MULTIPLE,
                        {
                            "choices": "furniture|Möbel|Furniture\nmattress|Matratzen|Mattresses\ncarpet|Teppiche"
                            "|Carpets\nelectric|Elektrogroßgeräte|Large electrical appliances"
                        },
                    ),
                    (
                        "volume",
                        "Menge in m³",
                        "Volume in m³",
                        FieldType.NUMBER,
                        {"min": 1, "max": 5},
                    ),
                    (
                        "notes",
                        "Hinweise für die Abholung",
                        "Notes for the pickup",
                        FieldType.TEXTAREA,
                        {"required": False},
                    ),
                ],
            ),
            ("Kontakt", "Contact", [PHONE]),
        ],
    ),
    (
        "meldebescheinigung",
        "wohnen",
        "buergerbuero",
        "Meldebescheinigung",
        "Bescheinigung über Ihre aktuelle Wohnanschrift, per Post zugesandt.",
        "Die einfache Meldebescheinigung enthält Name, Geburtsdatum und Anschrift. Sie wird Ihnen "
        "per Post zugeschickt.",
        "Sie sind in Castrop-Rauxel gemeldet.",
        "",
        "7,00 €",
        5,
        "account",
        [
            (
                "Bescheinigung",
                "Certificate",
                [
                    ("birth_date", "Geburtsdatum", "Date of birth", FieldType.DATE, {}),
                    (
                        "kind",
                        "Art der Bescheinigung",
                        "Kind of certificate",
                        FieldType.CHOICE,
                        {
                            "choices": "simple|Einfache Meldebescheinigung|Simple certificate\n"
                            "extended|Erweiterte Meldebescheinigung|Extended certificate"
                        },
                    ),
                    ("purpose", "Verwendungszweck", "Purpose", FieldType.TEXT, {"required": False}),
                    ADDRESS,
                ],
            ),
        ],
    ),
    (
        "gewerbeanmeldung",
        "wirtschaft",
        "ordnungsamt",
        "Gewerbeanmeldung",
        "Melden Sie ein Gewerbe in Castrop-Rauxel an.",
        "Wer ein Gewerbe beginnt, muss es beim Gewerbeamt anmelden. Die Anmeldung wird an das "
        "Finanzamt, die IHK und weitere Stellen weitergeleitet.",
        "Volljährigkeit; für erlaubnispflichtige Gewerbe die Erlaubnis.",
        "Personalausweis; ggf. Erlaubnis, Handelsregisterauszug",
        "26,00 €",
        5,
        "account",
        [
            (
                "Betrieb",
                "Business",
                [
                    ("business_name", "Name des Betriebs", "Business name", FieldType.TEXT, {}),
                    (
                        "activity",
                        "Angemeldete Tätigkeit",
                        "Activity",
                        FieldType.TEXTAREA,
                        {"max_length": 1000},
                    ),
                    ("start", "Beginn der Tätigkeit", "Start of the activity", FieldType.DATE, {}),
                    (
                        "legal_form",
                        "Rechtsform",
                        "Legal form",
                        FieldType.CHOICE,
                        {
                            "choices": "sole|Einzelunternehmen|Sole proprietorship\ngbr|GbR|Civil-law partnership\n"
                            "gmbh|GmbH|Limited company"
                        },
                    ),
                    (
                        "register",
                        "Handelsregisterauszug",
                        "Commercial register extract",
                        FieldType.FILE,
                        {"show_if": ("legal_form", "gmbh")},
                    ),
                ],
            ),
            (
                "Betriebsstätte",
                "Premises",
                [
                    ADDRESS,
                    PHONE,
                    (
                        "email",
                        "E-Mail des Betriebs",
                        "Business e-mail",
                        FieldType.EMAIL,
                        {"required": False},
                    ),
                ],
            ),
        ],
    ),
    (
        "strassenfest",
        "verkehr",
        "tiefbau",
        "Sondernutzung: Straßenfest",
        "Erlaubnis, eine öffentliche Straße für ein Nachbarschaftsfest zu nutzen.",
        "Für ein Straßenfest brauchen Sie eine Sondernutzungserlaubnis und gegebenenfalls eine "
        "verkehrsrechtliche Anordnung zur Sperrung. Bitte beantragen Sie sie mindestens vier Wochen "
        "vorher.",
        "Zustimmung der Anwohnenden",
        "Lageplan der Sperrung",
        "ab 50,00 €",
        28,
        "account",
        [
            (
                "Veranstaltung",
                "Event",
                [
                    ("event_date", "Datum", "Date", FieldType.DATE, {}),
                    ("street", "Straße und Abschnitt", "Street and section", FieldType.TEXT, {}),
                    (
                        "guests",
                        "Erwartete Gäste",
                        "Expected guests",
                        FieldType.NUMBER,
                        {"min": 1, "max": 2000},
                    ),
                    (
                        "closure",
                        "Soll die Straße gesperrt werden?",
                        "Should the street be closed?",
                        FieldType.CHECKBOX,
                        {"required": False},
                    ),
                    (
                        "plan",
                        "Lageplan der Sperrung",
                        "Site plan of the closure",
                        FieldType.FILE,
                        {"show_if": ("closure", "true")},
                    ),
                ],
            ),
            ("Verantwortliche Person", "Person responsible", [ADDRESS, PHONE]),
        ],
    ),
    (
        "baumfaellung",
        "umwelt",
        "umwelt",
        "Baumfällgenehmigung",
        "Genehmigung zum Fällen eines geschützten Baumes auf Ihrem Grundstück.",
        "Bäume mit einem Stammumfang ab 100 cm sind nach der Baumschutzsatzung geschützt. Fällungen "
        "sind nur außerhalb der Brutzeit (1. Oktober bis 28. Februar) erlaubt.",
        "Sie sind Eigentümerin oder Eigentümer des Grundstücks oder haben deren Zustimmung.",
        "Fotos des Baumes; Lageplan",
        "50,00 € bis 150,00 €",
        30,
        "account",
        [
            (
                "Baum",
                "Tree",
                [
                    ("species", "Baumart", "Species", FieldType.TEXT, {"required": False}),
                    (
                        "girth",
                        "Stammumfang in cm (in 1 m Höhe)",
                        "Trunk girth in cm (at 1 m)",
                        FieldType.NUMBER,
                        {"min": 1, "max": 1500},
                    ),
                    ("reason", "Begründung", "Reason", FieldType.TEXTAREA, {}),
                    (
                        "photo",
                        "Foto des Baumes",
                        "Photo of the tree",
                        FieldType.FILE,
                        {"types": "jpeg,png"},
                    ),
                ],
            ),
            (
                "Grundstück",
                "Property",
                [
                    ADDRESS,
                    (
                        "consent",
                        "Ich bin Eigentümer/in oder habe die Zustimmung.",
                        "I own the property or have the owner's consent.",
                        FieldType.CHECKBOX,
                        {},
                    ),
                ],
            ),
        ],
    ),
    (
        "maengelmelder",
        "verkehr",
        "tiefbau",
        "Mängelmelder",
        "Schlagloch, defekte Laterne, wilder Müll: melden Sie Mängel im Stadtgebiet.",
        "Mit dem Mängelmelder melden Sie Schäden und Verunreinigungen an die zuständige Stelle. "
        "Sie können den Bearbeitungsstand verfolgen.",
        "",
        "",
        "kostenlos",
        14,
        "anonymous",
        [
            (
                "Mangel",
                "Defect",
                [
                    (
                        "category",
                        "Art des Mangels",
                        "Kind of defect",
                        FieldType.CHOICE,
                        {
                            "choices": "road|Straßenschaden|Road damage\nlight|Straßenlaterne defekt|Street light "
                            "out\ndumping|Wilder Müll|Illegal dumping\ngreen|Grünfläche|Green space\nsign|"
                            "Verkehrszeichen|Traffic sign\nplayground|Spielplatz|Playground\nother|Sonstiges|Other"
                        },
                    ),
                    (
                        "location",
                        "Ort (Straße, Hausnummer oder Beschreibung)",
                        "Location",
                        FieldType.TEXT,
                        {},
                    ),
                    ("description", "Beschreibung", "Description", FieldType.TEXTAREA, {}),
                    (
                        "photo",
                        "Foto",
                        "Photo",
                        FieldType.FILE,
                        {"required": False, "types": "jpeg,png"},
                    ),
                ],
            ),
        ],
    ),
]


# The federal keys (LeiKa/FIM Leistungsschlüssel, as in the Bundesportal's
# verwaltung.bund.de/leistungsverzeichnis) of the demo services that have one we verified.
# The others stay empty rather than carry a guessed key.
LEIKA_KEYS = {
    "bewohnerparkausweis": "99108001001000",  # Parkausweis für Bewohner beantragen
    "hundeanmeldung": "99102013104000",  # Hundesteuer Anmeldung
    "gewerbeanmeldung": "99050012104000",  # Gewerbe anmelden
}


@transaction.atomic
def load(*, stdout) -> None:
    categories = {}
    for slug, name, order in CATEGORIES:
        categories[slug], _ = ServiceCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order}
        )
    created = 0
    for (
        slug,
        cat,
        dept,
        name,
        summary,
        description,
        prerequisites,
        documents,
        fees,
        days,
        level,
        steps,
    ) in SERVICES:
        service, was_created = Service.objects.get_or_create(
            slug=slug,
            defaults={
                "category": categories[cat],
                "department": Department.objects.get(slug=dept),
                "name": name,
                "summary": summary,
                "description": description,
                "prerequisites": prerequisites,
                "required_documents": documents,
                "fees": fees,
                "processing_days": days,
                "login_level": level,
                "leika_key": LEIKA_KEYS.get(slug, ""),
            },
        )
        if slug in LEIKA_KEYS and not service.leika_key:  # a demo loaded before the keys
            service.leika_key = LEIKA_KEYS[slug]
            service.save(update_fields=["leika_key"])
        if was_created or not service.form_steps.exists():
            _form(service, steps)
            services.form_publish(service=service, user=None)
            created += 1
    demo_en.apply()
    _defects()
    cases = _citizen_cases()
    stdout.write(f"Serviceportal: {len(SERVICES)} services ({created} new), {cases} demo cases.")


DEMO_CITIZEN = "buerger@example.org"
DEMO_CASE_WORKER = "sachbearbeitung@example.org"  # Bürgerbüro
DEMO_ADMINISTRATOR = "admin@example.org"  # sees every department
HOME = {"street": "Lönsstraße 5", "postcode": "44575", "city": "Castrop-Rauxel"}


def _citizen_cases() -> int:
    """Give the demo citizen (made by ``load_demo``) requests to follow under "Meine Anträge":
    a certificate the Bürgerbüro has a question about, and a decided dog registration. Filed
    and processed through the same services as real ones. Does nothing once she has cases."""
    from django.utils import translation

    from portal.models import User
    from services.models import Case

    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    worker = User.objects.filter(email=DEMO_CASE_WORKER).first()
    admin = User.objects.filter(email=DEMO_ADMINISTRATOR).first()
    if (
        citizen is None
        or worker is None
        or admin is None
        or Case.objects.filter(applicant=citizen).exists()
    ):
        return 0
    with translation.override("de"):
        certificate = _file(
            citizen,
            "meldebescheinigung",
            {"birth_date": "1984-05-17", "kind": "extended", "purpose": "Wohnungsbewerbung"},
        )
        services.case_transition(case=certificate, actor=worker, to_status="in_progress")
        services.message_send(
            case=certificate,
            sender=worker,
            body="Für die erweiterte Meldebescheinigung brauchen wir eine Kopie Ihres "
            "Personalausweises. Bitte laden Sie sie hier hoch.",
            requests_documents=True,
        )
        dog = _file(
            citizen,
            "hundeanmeldung",
            {"dog_name": "Emma", "breed": "mix", "since": "2026-09-01", "phone": ""},
        )
        services.case_transition(case=dog, actor=admin, to_status="in_progress")
        services.case_transition(
            case=dog,
            actor=admin,
            to_status="approved",
            note="Emma ist angemeldet. Die Steuermarke kommt mit dem Bescheid per Post.",
        )
    return 2


def _file(citizen, slug: str, answers: dict):
    service = Service.objects.get(slug=slug)
    draft, _token = services.draft_start(service=service, user=citizen)
    services.draft_save_step(
        draft=draft, step=1, answers={**answers, "address": HOME}, files={}, field_specs={}
    )
    case, _token = services.case_submit(
        draft=draft,
        applicant_name=citizen.name,
        applicant_email=citizen.email,
        language="de",
        consent=True,
    )
    return case


ROUTES = {
    "road": "tiefbau",
    "light": "tiefbau",
    "sign": "tiefbau",
    "other": "tiefbau",
    "dumping": "umwelt",
    "green": "umwelt",
    "playground": "umwelt",
}

DEMO_REPORTS = [
    ("road", 51.5551, 7.3120, "Lönsstraße 12", "Tiefes Schlagloch am Fahrbahnrand."),
    ("light", 51.5518, 7.3097, "Europaplatz", "Die Laterne vor dem Rathaus bleibt dunkel."),
    ("dumping", 51.5608, 7.2951, "", "Sperrmüll am Waldrand neben dem Parkplatz abgeladen."),
    ("playground", 51.5466, 7.3302, "Stadtgarten", "Schaukelkette gerissen."),
]


def _defects() -> None:
    from django.utils import translation

    from services import defects
    from services.models import DefectReport, DefectRoute

    for category, dept in ROUTES.items():
        DefectRoute.objects.get_or_create(
            category=category, defaults={"department": Department.objects.get(slug=dept)}
        )
    if DefectReport.objects.exists():
        return
    with translation.override("de"):
        for n, (category, lat, lon, address, text) in enumerate(DEMO_REPORTS, start=1):
            defects.report_submit(
                category=category,
                description=text,
                latitude=lat,
                longitude=lon,
                address=address,
                photos=[],
                email=f"melder{n}@example.org",
                email_confirmed=True,  # demo reports are public
                name=f"Melder {n}",
                user=None,
                language="de",
            )


def _form(service: Service, steps) -> None:
    for step_order, (title, title_en, fields) in enumerate(steps, start=1):
        step = FormStep.objects.create(
            service=service, order=step_order, title=title, title_en=title_en
        )
        for order, (key, label, label_en, kind, opts) in enumerate(fields, start=1):
            show_if = opts.get("show_if", ("", ""))
            FormField.objects.create(
                step=step,
                order=order,
                key=key,
                label=label,
                label_en=label_en,
                type=kind,
                required=opts.get("required", True),
                help_text=opts.get("help", ""),
                choices=opts.get("choices", ""),
                pattern=opts.get("pattern", ""),
                pattern_message=opts.get("pattern_message", ""),
                min_value=opts.get("min"),
                max_value=opts.get("max"),
                max_length=opts.get("max_length"),
                allowed_file_types=opts.get("types", "pdf,jpeg,png"),
                show_if_field=show_if[0],
                show_if_value=show_if[1],
            )
