"""PostgreSQL: the activity records' tsvector stored and GIN-indexed, as for incidents (core 0015)."""

from django.db import migrations

from ipwatch.core.search import stored_vector


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0004_activity_search_text"),
    ]

    operations = [stored_vector("activity_activity", "activity_activity_search_fts")]
