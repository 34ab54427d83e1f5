"""The public city tours under /rundgaenge/; each part of the feature keeps its own routes."""

from django.urls import include, path

app_name = "tours"

urlpatterns = [
    path("", include("smartcity.tours.urls_pages")),
    path("", include("smartcity.tours.urls_walk")),
    path("", include("smartcity.tours.urls_exports")),
    path("", include("smartcity.tours.urls_offline")),
]
