"""Thresholds get a German and an English name. The EU defaults (0002) were named in English;
they get their German names, every other name is taken as the German one."""

from django.db import migrations
from django.db.models import F

DEFAULTS = {
    "PM10 daily mean limit (EU)": "PM10-Tagesmittel-Grenzwert (EU)",
    "NO2 hourly mean limit (EU)": "NO2-Stundenmittel-Grenzwert (EU)",
    "PM2.5 yearly mean guidance (EU)": "PM2,5-Jahresmittel-Richtwert (EU)",
}


def name_languages(apps, schema_editor):
    for model_name in ["threshold", "historicalthreshold"]:
        model = apps.get_model("smartcity", model_name)
        model._default_manager.update(name_de=F("name"))
        for english, german in DEFAULTS.items():
            model._default_manager.filter(name=english).update(name_de=german, name_en=english)


def name_back(apps, schema_editor):
    for model_name in ["threshold", "historicalthreshold"]:
        model = apps.get_model("smartcity", model_name)
        model._default_manager.exclude(name_de=None).update(name=F("name_de"))
        for english, german in DEFAULTS.items():
            model._default_manager.filter(name_de=german).update(name=english)


class Migration(migrations.Migration):
    dependencies = [("smartcity", "0008_threshold_names_and_admin_labels")]

    operations = [migrations.RunPython(name_languages, name_back)]
