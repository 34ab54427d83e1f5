"""Case workers may view cases, services and forms; administrators manage the whole app."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CASE_WORKER = [
    "view_case",
    "view_service",
    "view_servicecategory",
    "view_formstep",
    "view_defectreport",
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("services")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    case_worker, _ = Group.objects.get_or_create(name="case_worker")
    case_worker.permissions.add(
        *Permission.objects.filter(content_type__app_label="services", codename__in=CASE_WORKER)
    )
    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.add(*Permission.objects.filter(content_type__app_label="services"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    services_permissions = Permission.objects.filter(content_type__app_label="services")
    for group in Group.objects.filter(name__in=["case_worker", "administrator"]):
        group.permissions.remove(*services_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_open311_keys"),
        ("portal", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
