"""Reading unfinished work is a permission (view_unpublished_incident), held by Analysts, Editors and
Reviewers, instead of a check on group names."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Analysts", "Editors", "Reviewers"]
CODENAME = "view_unpublished_incident"


def grant(apps, schema_editor):
    # Permissions are normally created after migrations; create this one now so the groups can hold it.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="core", codename=CODENAME)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="core", codename=CODENAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_incident_search_text"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="incident",
            options={
                "ordering": ["-date", "-id"],
                "permissions": [
                    ("publish_incident", "Can publish and retract incidents"),
                    ("view_unpublished_incident", "Can read incidents in review on the public pages"),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
