"""The existing catalogue texts are the German ones: copy each into its ``*_de`` column."""

from django.db import migrations
from django.db.models import F

FIELDS = {
    "servicecategory": ["name", "description"],
    "service": [
        "name",
        "summary",
        "description",
        "prerequisites",
        "required_documents",
        "fees",
        "search_terms",
    ],
}


def _models(apps):
    for name, fields in FIELDS.items():
        yield apps.get_model("services", name), fields
        yield apps.get_model("services", "historical" + name), fields


def copy_to_german(apps, schema_editor):
    for model, fields in _models(apps):
        model._default_manager.update(**{f"{field}_de": F(field) for field in fields})


def copy_back(apps, schema_editor):
    for model, fields in _models(apps):
        for field in fields:
            model._default_manager.exclude(**{f"{field}_de": None}).update(**{field: F(f"{field}_de")})


class Migration(migrations.Migration):
    dependencies = [("services", "0013_translated_fields")]

    operations = [migrations.RunPython(copy_to_german, copy_back)]
