from django.urls import path

from participation import views

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
    path("konzept/", views.concept, name="concept"),
    path("konzept/version-<int:number>/", views.concept, name="concept_version"),
    path("konzept/version-<int:number>/pdf/", views.concept_pdf, name="concept_pdf"),
    path("konzept/versionen/", views.versions, name="versions"),
    path("konzept/vergleich/", views.diff, name="diff"),
    path("konzept/suche/", views.search, name="search"),
    path("konzept/abschnitt/<slug:key>/", views.section, name="section"),
    path("kommentare/<int:pk>/antworten/", views.comment_reply, name="comment_reply"),
    path("kommentare/<int:pk>/zustimmen/", views.comment_agree, name="comment_agree"),
    path("kommentare/<int:pk>/melden/", views.comment_flag, name="comment_flag"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/<str:action>/", views.moderate, name="moderate"),
    path("vorschlaege/", views.proposals, name="proposals"),
    path("vorschlaege/neu/", views.proposal_create, name="proposal_create"),
    path("vorschlaege/<int:pk>/", views.proposal, name="proposal"),
    path("vorschlaege/<int:pk>/bild/", views.proposal_image, name="proposal_image"),
    path("vorschlaege/<int:pk>/unterstuetzen/", views.proposal_support, name="proposal_support"),
    path("folgen/", views.follow, name="follow"),
    path("umfragen/<int:pk>/", views.survey, name="survey"),
    path("umfragen/<int:pk>/einladung/<str:token>/", views.survey, name="survey_token"),
    path("umfragen/<int:pk>/einladen/", views.survey_invite, name="survey_invite"),
    path("umfragen/<int:pk>/ergebnisse/", views.survey_results, name="survey_results"),
    path("umfragen/<int:pk>/export.csv", views.survey_export, name="survey_export"),
    path("projekte/", views.projects, name="projects"),
    path("projekte/<slug:slug>/", views.project, name="project"),
    path("ziele/<slug:slug>/", views.goal, name="goal"),
]
