from django.urls import path

from participation.views import concept, discussion, processes, projects, proposals, surveys

app_name = "participation"

urlpatterns = [
    path("", concept.index, name="index"),
    path("konzept/", concept.concept, name="concept"),
    path("konzept/version-<int:number>/", concept.concept, name="concept_version"),
    path("konzept/version-<int:number>/pdf/", concept.concept_pdf, name="concept_pdf"),
    path("konzept/lesefassung/", concept.concept_reading, name="concept_reading_current"),
    path(
        "konzept/version-<int:number>/lesefassung/",
        concept.concept_reading,
        name="concept_reading",
    ),
    path("konzept/versionen/", concept.versions, name="versions"),
    path("konzept/vergleich/", concept.diff, name="diff"),
    path("konzept/suche/", concept.search, name="search"),
    path("konzept/abschnitt/<slug:key>/", concept.section, name="section"),
    path("kommentare/<int:pk>/antworten/", discussion.comment_reply, name="comment_reply"),
    path("kommentare/<int:pk>/zustimmen/", discussion.comment_agree, name="comment_agree"),
    path("kommentare/<int:pk>/melden/", discussion.comment_flag, name="comment_flag"),
    path("moderation/", discussion.moderation, name="moderation"),
    path("moderation/<int:pk>/<str:action>/", discussion.moderate, name="moderate"),
    path("verfahren/", processes.processes, name="processes"),
    path("verfahren/<slug:slug>/", processes.process, name="process"),
    path("verfahren/<slug:slug>/vorschlaege/", proposals.proposals, name="process_proposals"),
    path(
        "verfahren/<slug:slug>/vorschlaege/neu/",
        proposals.proposal_create,
        name="process_proposal_create",
    ),
    # From before several processes: on to the default process.
    path("vorschlaege/", proposals.proposals_legacy, name="proposals"),
    path("vorschlaege/neu/", proposals.proposal_create, name="proposal_create"),
    path("vorschlaege/<int:pk>/", proposals.proposal, name="proposal"),
    path("vorschlaege/<int:pk>/bild/", proposals.proposal_image, name="proposal_image"),
    path(
        "vorschlaege/<int:pk>/unterstuetzen/", proposals.proposal_support, name="proposal_support"
    ),
    path("folgen/", proposals.follow, name="follow"),
    path("umfragen/<int:pk>/", surveys.survey, name="survey"),
    path("umfragen/<int:pk>/einladung/<str:token>/", surveys.survey, name="survey_token"),
    path("umfragen/<int:pk>/einladen/", surveys.survey_invite, name="survey_invite"),
    path("umfragen/<int:pk>/ergebnisse/", surveys.survey_results, name="survey_results"),
    path("umfragen/<int:pk>/export.csv", surveys.survey_export, name="survey_export"),
    path("projekte/", projects.projects, name="projects"),
    path("projekte/<slug:slug>/", projects.project, name="project"),
    path("ziele/<slug:slug>/", projects.goal, name="goal"),
]
