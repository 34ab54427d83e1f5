from django.urls import path

from services import api

urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="api-services-cases"),
    path("cases/<str:reference>/", api.CaseDetailApi.as_view(), name="api-services-case"),
]
