from django.urls import path

from smartcity import views

app_name = "smartcity"

urlpatterns = [
    path("", views.index, name="index"),
]
