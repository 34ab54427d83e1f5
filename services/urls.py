from django.urls import path

from services import defect_views, views

app_name = "services"

urlpatterns = [
    path("", views.index, name="index"),
    path("antraege/", views.my_cases, name="my_cases"),
    path("antraege/<str:reference>/", views.case_detail, name="case_detail"),
    path("antraege/<str:reference>/nachricht/", views.case_message, name="case_message"),
    path("antraege/<str:reference>/zurueckziehen/", views.case_withdraw, name="case_withdraw"),
    path("antraege/<str:reference>/quittung.pdf", views.case_receipt, name="case_receipt"),
    path("antraege/<str:reference>/quittung/", views.case_receipt_link, name="case_receipt_link"),
    path(
        "antraege/<str:reference>/dateien/<int:pk>/", views.case_attachment, name="case_attachment"
    ),
    path("eingang/<str:reference>/<str:token>/", views.anonymous_case, name="anonymous_case"),
    path(
        "eingang/<str:reference>/<str:token>/quittung/",
        views.anonymous_receipt_link,
        name="anonymous_receipt_link",
    ),
    path(
        "eingang/<str:reference>/<str:token>/quittung.pdf",
        views.anonymous_receipt,
        name="anonymous_receipt",
    ),
    path(
        "eingang/<str:reference>/<str:token>/nicht-behoben/",
        defect_views.defect_reopen_by_link,
        name="defect_reopen_by_link",
    ),
    path("maengel/", defect_views.defect_index, name="defect_index"),
    path("maengel/melden/", defect_views.defect_report, name="defect_report"),
    path("maengel/karte.json", defect_views.defect_geojson, name="defect_geojson"),
    path("maengel/in-der-naehe.json", defect_views.defect_nearby, name="defect_nearby"),
    path("maengel/bestaetigen/<str:token>/", defect_views.defect_confirm, name="defect_confirm"),
    path("maengel/<str:reference>/", defect_views.defect_detail, name="defect_detail"),
    path(
        "maengel/<str:reference>/bitte-bestaetigen/",
        defect_views.defect_pending,
        name="defect_pending",
    ),
    path(
        "maengel/<str:reference>/abbestellen/<str:token>/",
        defect_views.defect_unfollow,
        name="defect_unfollow",
    ),
    path("maengel/<str:reference>/folgen/", defect_views.defect_follow, name="defect_follow"),
    path(
        "maengel/<str:reference>/folgen/<str:token>/",
        defect_views.defect_follow_confirm,
        name="defect_follow_confirm",
    ),
    path(
        "maengel/<str:reference>/nicht-behoben/", defect_views.defect_reopen, name="defect_reopen"
    ),
    path("maengel/<str:reference>/fotos/<int:pk>/", defect_views.defect_photo, name="defect_photo"),
    path("antrag/<str:ref>/schritt/<int:step>/", views.draft_step, name="draft_step"),
    path("antrag/<str:ref>/pruefen/", views.draft_review, name="draft_review"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/beantragen/", views.start, name="start"),
]
