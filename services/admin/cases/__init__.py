"""Cases in the admin: one ``CaseAdmin`` composed of its list (``changelist``), its page
(``detail``) and its actions (``actions``).

Case data is read-only here; every change goes through one service function (status,
assignment, note, message, and the Mängelmelder's public note, re-routing, duplicates and photo
release), called from small forms on the case page, and each writes the case's history.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from services.admin.cases.actions import CaseActionsMixin
from services.admin.cases.changelist import CaseListMixin
from services.admin.cases.detail import CaseDetailMixin
from services.models import Case


@admin.register(Case)
class CaseAdmin(CaseListMixin, CaseDetailMixin, CaseActionsMixin, admin.ModelAdmin):
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("statistik/", wrap(self.statistics_view), name="services_case_statistics"),
            path("export.csv", wrap(self.export_view), name="services_case_export"),
            path(
                "<int:pk>/aktion/<str:action>/", wrap(self.action_view), name="services_case_action"
            ),
            path(
                "<int:pk>/datei/<int:attachment>/",
                wrap(self.attachment_view),
                name="services_case_attachment",
            ),
            path("<int:pk>/quittung/", wrap(self.receipt_view), name="services_case_receipt"),
            path(
                "<int:pk>/freigeben/<int:attachment>/",
                wrap(self.release_view),
                name="services_case_release",
            ),
            *super().get_urls(),
        ]
