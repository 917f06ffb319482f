"""Editors, Reviewers and Analysts as Django groups. Only Reviewers hold publish_incident."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = ["incident", "report", "place", "source", "campaign", "milestone", "province"]
VIEWABLE = EDITABLE + ["historicalincident", "historicalplace", "historicalreport"]


def editor_codenames():
    codes = [f"{action}_{model}" for model in EDITABLE for action in ("add", "change", "view")]
    return codes + ["delete_report", "view_historicalincident", "view_historicalreport", "view_historicalplace"]


ROLES = {
    "Editors": editor_codenames(),
    "Reviewers": editor_codenames() + ["publish_incident", "delete_incident"],
    "Analysts": [f"view_{model}" for model in VIEWABLE],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="core", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
