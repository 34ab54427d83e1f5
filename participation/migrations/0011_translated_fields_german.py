"""The existing texts are the German ones: copy each into its ``*_de`` column."""

from django.db import migrations
from django.db.models import F

FIELDS = {
    "fieldofaction": ["name", "description"],
    "strategicgoal": ["title", "description"],
    "conceptdocument": ["title", "summary"],
    "process": ["title", "description"],
    "phase": ["description"],
    "survey": ["title", "description"],
    "question": ["text", "choices"],
    "project": ["title", "summary", "description"],
    "milestone": ["title"],
    "projectupdate": ["title", "body"],
}
HISTORY = ["fieldofaction", "strategicgoal", "process", "phase", "survey", "question"]


def _models(apps):
    for name, fields in FIELDS.items():
        yield apps.get_model("participation", name), fields
        if name in HISTORY:
            yield apps.get_model("participation", "historical" + name), fields


def copy_to_german(apps, schema_editor):
    for model, fields in _models(apps):
        model._default_manager.update(**{f"{field}_de": F(field) for field in fields})
    # English names were optional ""; the unique English column wants NULL for "none".
    for name in ["fieldofaction", "historicalfieldofaction"]:
        apps.get_model("participation", name)._default_manager.filter(name_en="").update(name_en=None)


def copy_back(apps, schema_editor):
    for model, fields in _models(apps):
        for field in fields:
            model._default_manager.exclude(**{f"{field}_de": None}).update(**{field: F(f"{field}_de")})
    for name in ["fieldofaction", "historicalfieldofaction"]:
        apps.get_model("participation", name)._default_manager.filter(name_en=None).update(name_en="")
    for name in ["strategicgoal", "historicalstrategicgoal"]:
        apps.get_model("participation", name)._default_manager.filter(title_en=None).update(title_en="")


class Migration(migrations.Migration):
    dependencies = [("participation", "0010_translated_fields")]

    operations = [migrations.RunPython(copy_to_german, copy_back)]
