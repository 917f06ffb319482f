from django.db import migrations, models


def install(apps, schema_editor):
    from ipwatch.timeline import rollup

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        rollup.install_triggers(schema_editor.connection)
        rollup.rebuild(schema_editor.connection.alias)  # existing published incidents


def remove(apps, schema_editor):
    from ipwatch.timeline import rollup

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        rollup.remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("core", "0011_report_order_nulls_first")]

    operations = [
        migrations.CreateModel(
            name="PublishedRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("date_precision", models.CharField(max_length=5)),
                ("province_id", models.IntegerField(help_text="0 when the incident has no province")),
                ("kind", models.CharField(default="attack", max_length=20)),
                ("records", models.IntegerField(default=0)),
                ("synthetic", models.IntegerField(default=0)),
                ("claimed", models.IntegerField(default=0, help_text="records claimed by the group")),
                ("claimed_synthetic", models.IntegerField(default=0)),
                ("killed_known", models.IntegerField(default=0)),
                ("killed_unknown", models.IntegerField(default=0)),
                ("wounded_known", models.IntegerField(default=0)),
                ("wounded_unknown", models.IntegerField(default=0)),
                ("kidnapped_known", models.IntegerField(default=0)),
                ("kidnapped_unknown", models.IntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["province_id", "date"], name="published_rollup_province")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("date", "date_precision", "province_id", "kind"),
                        name="published_rollup_cell",
                    )
                ],
            },
        ),
        migrations.RunPython(install, remove),
    ]
