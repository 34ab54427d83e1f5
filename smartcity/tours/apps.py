from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToursConfig(AppConfig):
    name = "smartcity.tours"
    label = "tours"
    verbose_name = _("City tours")
