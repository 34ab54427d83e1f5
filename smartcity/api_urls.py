from django.urls import path

from smartcity import api

urlpatterns = [
    path("readings", api.ReadingsApi.as_view(), name="api-smartcity-readings"),
    path("events", api.EventsApi.as_view(), name="api-smartcity-events"),
]
