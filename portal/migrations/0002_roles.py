"""Create the portal's roles as groups; administrators get the shell's model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = [
    "citizen",
    "case_worker",
    "moderator",
    "council_member",
    "smartcity_operator",
    "administrator",
]

ADMINISTRATOR_MODELS = ["user", "department", "accessibilityfeedback"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLES:
        Group.objects.get_or_create(name=name)

    # Permissions are normally created after all migrations; create this app's now.
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    administrator = Group.objects.get(name="administrator")
    administrator.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portal", content_type__model__in=ADMINISTRATOR_MODELS
        )
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
