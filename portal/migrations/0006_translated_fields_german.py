"""The existing department names are the German ones: copy them into ``name_de``."""

from django.db import migrations
from django.db.models import F


def copy_to_german(apps, schema_editor):
    for name in ["department", "historicaldepartment"]:
        apps.get_model("portal", name)._default_manager.update(name_de=F("name"))


def copy_back(apps, schema_editor):
    for name in ["department", "historicaldepartment"]:
        model = apps.get_model("portal", name)
        model._default_manager.exclude(name_de=None).update(name=F("name_de"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_translated_fields")]

    operations = [migrations.RunPython(copy_to_german, copy_back)]
