"""The maintained, normalised search text of each activity record (ipwatch.activity.search), filled
for the existing records, with a GIN full-text index on PostgreSQL (the expression core.search.matching
uses), as for incidents (core 0007)."""

from django.db import migrations, models

from ipwatch.core.search import fts_index

INDEX_NAME = "activity_activity_search_fts"


def fill_search_text(apps, schema_editor):
    from ipwatch.activity.search import activity_search_text
    from ipwatch.core.search import refresh_texts

    Activity = apps.get_model("activity", "Activity")
    records = (
        Activity.objects.using(schema_editor.connection.alias)
        .select_related("place", "province", "outlet", "campaign")
        .prefetch_related("reports__source")
    )
    refresh_texts(records, lambda record, place: activity_search_text(record, list(record.reports.all()), place))


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0003_record_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="search_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Normalised public text for q= search (ipwatch.activity.search); maintained automatically",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        fts_index("activity_activity", INDEX_NAME),
    ]
