"""Existing phases get the rules that were hard-coded before permissions were configurable."""

from django.db import migrations

VERIFIED = ["verified"]
# A copy of the rules as they were (a migration does not import today's code).
RULES = {
    "commenting": {"comment": VERIFIED, "react": VERIFIED, "support": VERIFIED},
    "proposals": {"comment": VERIFIED, "react": VERIFIED, "support": VERIFIED, "propose": VERIFIED},
    "survey": {"answer_survey": VERIFIED},
}
ACTIONS = ["comment", "react", "propose", "support", "answer_survey"]


def forwards(apps, schema_editor):
    Phase = apps.get_model("participation", "Phase")
    for phase in Phase.objects.all():
        rules = RULES.get(phase.kind, {})
        phase.permissions = {action: list(rules.get(action, [])) for action in ACTIONS}
        phase.save(update_fields=["permissions"])


def backwards(apps, schema_editor):
    Phase = apps.get_model("participation", "Phase")
    Phase.objects.update(permissions={})


class Migration(migrations.Migration):
    dependencies = [("participation", "0007_phase_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
