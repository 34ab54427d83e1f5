"""City-tour editors maintain the tours, stops and themes; administrators manage the whole app."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APP = "tours"
ROLE = "tour_editor"
EDITED = ["tour","stop","stopimage","theme"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config(APP)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    role, _ = Group.objects.get_or_create(name=ROLE)
    role.permissions.add(
        *Permission.objects.filter(content_type__app_label=APP, content_type__model__in=EDITED)
    )
    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.add(*Permission.objects.filter(content_type__app_label=APP))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label=APP
    )
    for group in Group.objects.filter(name__in=[ROLE, "administrator"]):
        group.permissions.remove(*permissions)
    Group.objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        (APP, "0001_initial"),
        ("portal", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
