from django.urls import path

from smartcity import views

app_name = "smartcity"

urlpatterns = [
    path("", views.index, name="index"),
    path("umwelt/", views.environment, name="environment"),
    path("umwelt/karte.json", views.environment_geojson, name="environment_geojson"),
    path("umwelt/<str:number>/", views.environment_pole, name="environment_pole"),
    path(
        "umwelt/<str:number>/<slug:key>.json",
        views.environment_chart,
        name="environment_chart",
    ),
    path("offene-daten/", views.open_data, name="open_data"),
    path(
        "offene-daten/stundenwerte.<str:fmt>",
        views.open_data_export,
        name="open_data_export",
    ),
    path("betrieb/", views.dashboard, name="dashboard"),
    path("betrieb/karte.json", views.dashboard_geojson, name="dashboard_geojson"),
    path("betrieb/flotte/", views.fleet, name="fleet"),
    path("betrieb/alarme/", views.alarms, name="alarms"),
    path("betrieb/alarme/<int:pk>/bestaetigen/", views.alarm_acknowledge, name="alarm_ack"),
    path("betrieb/masten/<str:number>/", views.pole_detail, name="pole"),
    path("betrieb/masten/<str:number>/<slug:key>.json", views.pole_chart, name="pole_chart"),
    path("betrieb/masten/<str:number>/<slug:key>.csv", views.pole_chart_csv, name="pole_csv"),
]
