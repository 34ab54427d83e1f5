"""Followers from before the double opt-in keep their follow: they count as confirmed."""

from django.db import migrations
from django.db.models import F


def confirm_existing(apps, schema_editor):
    DefectFollower = apps.get_model("services", "DefectFollower")
    DefectFollower.objects.filter(confirmed_at__isnull=True).update(confirmed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("services", "0006_defect_follower_confirmation")]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
