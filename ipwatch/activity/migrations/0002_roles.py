"""Editors add and change activity records and their reports; Reviewers as well (they publish with
core.publish_incident, the incidents' permission); Analysts view them and their history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_CODENAMES = [
    f"{action}_{model}" for model in ("activity", "activityreport") for action in ("add", "change", "view")
] + ["delete_activityreport", "view_historicalactivity", "view_historicalactivityreport"]
ROLES = {
    "Editors": EDITOR_CODENAMES,
    "Reviewers": EDITOR_CODENAMES + ["delete_activity"],
    "Analysts": ["view_activity", "view_activityreport", "view_historicalactivity", "view_historicalactivityreport"],
}


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("activity")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="activity", codename__in=codenames))


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="activity"))


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0001_initial"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
