"""PostgreSQL: the incidents' tsvector stored (a generated column) and GIN-indexed, so that ranking a
broad search reads it instead of parsing each matching row's text again (ipwatch.core.search)."""

from django.db import migrations

from ipwatch.core.search import stored_vector


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_incident_facets_index"),
    ]

    operations = [stored_vector("core_incident", "core_incident_search_fts")]
