"""Default thresholds from the EU air-quality limits (Directive 2008/50/EC, 39. BImSchV)."""

from django.db import migrations

DEFAULTS = [
    ("PM10 daily mean limit (EU)", "pm10", "daily_mean", 50, 45, "2008/50/EC Annex XI"),
    ("NO2 hourly mean limit (EU)", "no2", "hourly_mean", 200, 180, "2008/50/EC Annex XI"),
    ("PM2.5 yearly mean guidance (EU)", "pm25", "yearly_mean", 25, 24, "2008/50/EC Annex XIV"),
]


def create(apps, schema_editor):
    Threshold = apps.get_model("smartcity", "Threshold")
    for name, kind, aggregate, limit, clear, source in DEFAULTS:
        Threshold.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "aggregate": aggregate,
                "limit": limit,
                "clear_level": clear,
                "source": source,
            },
        )


def remove(apps, schema_editor):
    Threshold = apps.get_model("smartcity", "Threshold")
    Threshold.objects.filter(name__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("smartcity", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
