"""English texts of the demo's participation metadata (the German ones are in demo.py).

The council's concept text (sections) stays German. ``apply()`` fills every empty English
field, also of a demo loaded earlier; a field an editor has filled is left alone.
"""

from django.utils import translation

from participation.models import (
    ConceptDocument,
    FieldOfAction,
    Milestone,
    Process,
    Project,
    ProjectUpdate,
    Question,
    Survey,
)
from portal.i18n import translations_fill

FIELDS = {
    "verwaltung": "The city administration offers its services online and works with little "
    "paper internally.",
    "wirtschaft": "Local businesses find digital offers, advice and fast connections.",
    "infrastruktur": "Fibre, mobile networks and free WiFi are the basis of all other fields.",
    "bildung": "Schools, the library and the adult education centre teach media skills to all "
    "generations.",
    "mobilitaet": "Getting around the city becomes simpler, cleaner and better connected.",
    "energie-umwelt": "Measure, understand, save: data help protect the climate and adapt to it.",
}

DOCUMENT = (
    "Digital European city in the green",
    "The digitalisation concept of the city of Castrop-Rauxel: six fields of action, their "
    "goals and how the city chooses projects.",
)
PROCESS = (
    "Developing the digitalisation concept further",
    "Comment on the concept, propose projects and take part in the survey. The results go "
    "into the next version.",
)
SURVEY = (
    "Survey: the city's digital services",
    "Five minutes, four questions. One answer per account.",
)
# German question text: English text, English options (one per line, as the German ones)
QUESTIONS = {
    "Welche Online-Leistung nutzen Sie am ehesten?": (
        "Which online service are you most likely to use?",
        "Resident parking permit\nDog registration\nDefect reporter\nAppointment booking",
    ),
    "Wo wünschen Sie sich freies WLAN?": (
        "Where would you like free WiFi?",
        "Town centre\nStation\nSports grounds\nParks",
    ),
    "Wie wichtig ist Ihnen die Digitalisierung der Verwaltung?": (
        "How important is the digitalisation of the administration to you?",
        "",
    ),
    "Was sollte die Stadt als Nächstes digitalisieren?": (
        "What should the city digitalise next?",
        "",
    ),
}
PROJECTS = {
    "serviceportal": ("Service portal", "Apply for the city's services online and follow them."),
    "cas-app": (
        "CAS app with digital city tours",
        "The city app with events, reports and city tours to take along.",
    ),
    "medienentwicklungsplan": (
        "Media development plan for schools",
        "Planning equipment, networks and training for all municipal schools.",
    ),
    "smart-poles": (
        "Smart poles",
        "Street lights that shine, charge vehicles, measure and offer WiFi.",
    ),
    "freies-wlan": (
        "Free WiFi",
        "Free WiFi in the town centre, at schools and in public buildings.",
    ),
}
MILESTONES = {
    "Erste zehn Leistungen online": "First ten services online",
    "Alle Leistungen mit Gebühr": "All services with a fee",
    "Ausschreibung": "Call for tenders",
    "Erste Stadtführung": "First city tour",
    "Bestandsaufnahme": "Inventory",
    "WLAN in allen Schulen": "WiFi in all schools",
    "Zwölf Masten in Betrieb": "Twelve poles in operation",
    "Ausbau Innenstadt": "Extension to the town centre",
    "Altstadt und Europaplatz": "Old town and Europaplatz",
    "Rathaus und Bibliothek": "Town hall and library",
}
STATUS_UPDATE = "Projektstand"  # the demo's generated update (demo._projects)


def apply() -> None:
    with translation.override("de"):  # the German texts are the keys
        _apply()


def _apply() -> None:
    for field in FieldOfAction.objects.filter(slug__in=FIELDS):
        translations_fill(field, {"description": FIELDS[field.slug]})
    for document in ConceptDocument.objects.filter(slug="digitale-europastadt"):
        translations_fill(document, dict(zip(("title", "summary"), DOCUMENT, strict=True)))
    for process in Process.objects.filter(slug="konzept-2026"):
        translations_fill(process, dict(zip(("title", "description"), PROCESS, strict=True)))
        for survey in Survey.objects.filter(process=process, title_de=SURVEY_TITLE_DE):
            translations_fill(survey, dict(zip(("title", "description"), SURVEY, strict=True)))
            for question in Question.objects.filter(survey=survey, **{"text_de__in": QUESTIONS}):
                text, choices = QUESTIONS[question.text]
                translations_fill(question, {"text": text, "choices": choices})
    for project in Project.objects.filter(slug__in=PROJECTS):
        title, summary = PROJECTS[project.slug]
        translations_fill(project, {"title": title, "summary": summary, "description": summary})
        for milestone in Milestone.objects.filter(project=project, **{"title_de__in": MILESTONES}):
            translations_fill(milestone, {"title": MILESTONES[milestone.title]})
        for update in ProjectUpdate.objects.filter(project=project, title_de=STATUS_UPDATE):
            body = f"{summary} Progress is at {project.progress} per cent."
            translations_fill(update, {"title": "Project status", "body": body})


SURVEY_TITLE_DE = "Umfrage: Digitale Angebote der Stadt"
