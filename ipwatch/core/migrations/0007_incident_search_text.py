"""The maintained, normalised search text of each incident (ipwatch.core.search), filled for the
existing incidents, with a GIN full-text index on PostgreSQL (the expression search.matching uses)."""

from django.db import migrations, models

INDEX_NAME = "core_incident_search_fts"


def fill_search_text(apps, schema_editor):
    from ipwatch.core.search import normalize, place_words, search_text

    Incident = apps.get_model("core", "Incident")
    using = schema_editor.connection.alias
    place_texts = {}
    incidents = Incident.objects.using(using).select_related("place", "province").prefetch_related("reports__source")
    changed = []
    for incident in incidents.iterator(chunk_size=1000):
        if incident.place_id not in place_texts:
            place_texts[incident.place_id] = normalize(" ".join(w for w in place_words(incident.place) if w))
        incident.search_text = search_text(incident, list(incident.reports.all()), place_texts[incident.place_id])
        changed.append(incident)
        if len(changed) >= 1000:
            Incident.objects.using(using).bulk_update(changed, ["search_text"])
            changed = []
    if changed:
        Incident.objects.using(using).bulk_update(changed, ["search_text"])


def create_fts_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON core_incident "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def drop_fts_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_report_published_precision"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="search_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Normalised public text for q= search (ipwatch.core.search); maintained automatically",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_fts_index, drop_fts_index),
    ]
