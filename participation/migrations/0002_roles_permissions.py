"""Moderators handle comments and proposals in the admin; administrators manage the whole app."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR = [
    "view_comment",
    "change_comment",
    "view_proposal",
    "change_proposal",
    "view_process",
    "view_survey",
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("participation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    moderator, _ = Group.objects.get_or_create(name="moderator")
    moderator.permissions.add(
        *Permission.objects.filter(content_type__app_label="participation", codename__in=MODERATOR)
    )
    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.add(
        *Permission.objects.filter(content_type__app_label="participation")
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="participation")
    for group in Group.objects.filter(name__in=["moderator", "administrator"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
        ("portal", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
