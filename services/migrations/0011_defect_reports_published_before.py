"""Reports from before the double opt-in stay public: they count as published when filed."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def publish_existing(apps, schema_editor):
    DefectReport = apps.get_model("services", "DefectReport")
    Case = apps.get_model("services", "Case")
    submitted = Case.objects.filter(pk=OuterRef("case_id")).values("submitted_at")[:1]
    DefectReport.objects.filter(published_at__isnull=True).update(published_at=Subquery(submitted))


class Migration(migrations.Migration):
    dependencies = [("services", "0010_defect_report_publication")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
