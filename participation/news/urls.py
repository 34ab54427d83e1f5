"""News, feeds and calendars under /aktuelles/; each channel keeps its own routes."""

from django.urls import include, path

app_name = "news"

urlpatterns = [
    path("", include("participation.news.urls_news")),
    path("", include("participation.news.urls_calendar")),
]
