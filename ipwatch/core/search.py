"""Search that finds every spelling: ``q=Sabha``, ``q=سبها``, ``q=sebha`` and ``q=Amaq`` all find the
Sebha raid of May 2019.

Each incident keeps a *search text* (``Incident.search_text``), maintained whenever the incident, its
place, province, reports or their sources change. It holds, normalised (case, Latin diacritics,
ʿayn/hamza marks, Arabic diacritics and letter variants folded; punctuation turned into spaces):
the summary; the place's name, Arabic name, aliases, region and the offline gazetteer's alternate
spellings of it; the province's name, Arabic name and aliases; each report's title, quote and source
name. Never the internal notes or anything else the public does not see.

A query is normalised the same way and split into words; an incident matches when *every* word
starts a word of its search text ("sab" finds "Sabha").

- PostgreSQL: full-text search, ``search_vector @@ to_tsquery('simple', 'sabha:* & ...')``, ranked
  with ``ts_rank``. ``search_vector`` is a stored generated column, ``to_tsvector('simple',
  search_text)`` (GIN-indexed; core 0015, activity 0005): ranking reads it instead of parsing every
  matching row's text again (a word in a third of 100k records: 244 → 35 ms for the ranked page).
- SQLite: full-text search too, an FTS5 index of the same column (``core_incident_search``, and
  ``activity_activity_search`` for activity records; external
  content kept in step by triggers; created and, when missing or stale, rebuilt after every
  ``migrate`` by ``ensure_sqlite_index``): ``... MATCH '"sabha"* AND ...'``. Its tokenizer treats every
  character but the space as part of a word, so its words are exactly the column's words. Ranked by
  how often the words occur. Without FTS5 the same words are matched on the column itself
  (``LIKE '% sabha%'``; the text is stored with a leading space so every word start is " word").

Both return the same records (tests/test_search.py proves it on the sample data); only the relevance
order may differ between the two databases.
"""

import functools
import re
import sqlite3
import unicodedata

from django.db import connections
from django.db.models import BooleanField, F, FloatField, IntegerField, Prefetch, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Length, Replace

from ipwatch.geocoding.normalize import (
    _ARABIC_DIACRITICS_RE,
    _ARABIC_FOLD,
    _COMBINING_RE,
    _LATIN_FOLD,
    _MARKS_RE,
)

MAX_WORDS = 12  # more words than any real query; each one is a LIKE pattern or a tsquery term
_ARABIC_PUNCTUATION_RE = re.compile("[\u060c\u061b\u061f\u066a-\u066d\u06d4]")
_NON_WORD_RE = re.compile(r"[^0-9a-z\u0600-\u06ff]+")
SEARCH_CONFIG = "simple"  # no stemming or stop words: names in many languages and scripts


def normalize(text: str) -> str:
    """Text folded for matching: " sebha raid ... " (words separated by single spaces, leading space)."""
    if not text:
        return ""
    text = text.casefold()
    if not text.isascii():
        text = _ARABIC_DIACRITICS_RE.sub("", text).translate(_ARABIC_FOLD)
        text = unicodedata.normalize("NFKD", text.translate(_LATIN_FOLD))
        text = _COMBINING_RE.sub("", text)
        text = _ARABIC_DIACRITICS_RE.sub("", text).translate(_ARABIC_FOLD)
        text = _ARABIC_PUNCTUATION_RE.sub(" ", text)
    text = _MARKS_RE.sub("", text)
    return " ".join(_NON_WORD_RE.sub(" ", text).split())


def query_words(query: str) -> list[str]:
    """The distinct normalised words of a query, at most MAX_WORDS."""
    words = []
    for word in normalize(query).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


# Building the search text -------------------------------------------------------------------------


def gazetteer_spellings(place) -> list[str]:
    """The offline gazetteer's alternate spellings of a place it knows (by gazetteer id), else []."""
    gazetteer_id = (place.gazetteer_id or "").strip()
    if not gazetteer_id.startswith(("geonames:", "supplement:")):
        return []
    from ipwatch.geocoding.gazetteer import get_gazetteer

    gazetteer = get_gazetteer()
    index = getattr(gazetteer, "_ipwatch_by_source", None)
    if index is None:
        index = gazetteer._ipwatch_by_source = {entry.source: i for i, entry in enumerate(gazetteer.entries)}
    position = index.get(gazetteer_id)
    return list(gazetteer.names[position]) if position is not None else []


def place_words(place) -> list[str]:
    if place is None:
        return []
    return [place.name, place.name_ar, place.admin1, *(place.aliases or []), *gazetteer_spellings(place)]


def province_words(province) -> list[str]:
    if province is None:
        return []
    return [province.name, province.name_ar, *(province.aliases or [])]


def place_search_words(place) -> str:
    """The place's words (every spelling), normalised."""
    return normalize(" ".join(word for word in place_words(place) if word))


def report_words(reports) -> list[str]:
    """Each report's title, quote and source name (what a reader can see of it)."""
    parts = []
    for report in reports:
        parts += [report.title, report.quote, report.source.name]
    return parts


def compose(parts, place_text: str) -> str:
    """A record's search text from its public text ``parts`` and its place's normalised words."""
    text = normalize(" ".join(part for part in parts if part))
    words = f"{place_text} {text}".split()
    # Repeated words add nothing to matching; keep the first occurrence of each (short, stable text),
    # but count occurrences for relevance by keeping up to three of each.
    seen: dict[str, int] = {}
    kept = []
    for word in words:
        seen[word] = seen.get(word, 0) + 1
        if seen[word] <= 3:
            kept.append(word)
    return " " + " ".join(kept) + " " if kept else ""


def search_text(incident, reports=None, place_text: str | None = None) -> str:
    """The incident's search text (see the module docstring). ``place_text``: the place's words,
    already normalised (saves a gazetteer look-up per incident when a place has many)."""
    reports = incident.reports.select_related("source") if reports is None else reports
    parts = [incident.summary, *province_words(incident.province), *report_words(reports)]
    return compose(parts, place_search_words(incident.place) if place_text is None else place_text)


def store_text(record, text: str) -> None:
    """Give a record just saved its new search text by an UPDATE of that column (no second save,
    so no second round of signals), and only when the text changed."""
    if text != record.search_text:
        record.search_text = text
        type(record).objects.filter(pk=record.pk).update(search_text=text)


def refresh_texts(queryset, build, progress=None) -> int:
    """Store ``build(record, normalised_place)`` as the search text of every record of ``queryset``
    (which brings its own select_related/prefetch_related), in batches. Returns how many records;
    `progress(how many so far)` is called every 1,000.
    Works on a migration's historical models too (their querysets and managers, on the queryset's database)."""
    records = queryset.model.objects.using(queryset.db)
    place_texts: dict = {}
    changed = []
    count = 0
    for record in queryset.iterator(chunk_size=1000):
        if record.place_id not in place_texts:
            place_texts[record.place_id] = place_search_words(record.place)
        text = build(record, place_texts[record.place_id])
        count += 1
        if text != record.search_text:
            record.search_text = text
            changed.append(record)
        if len(changed) >= 1000:
            records.bulk_update(changed, ["search_text"])
            changed = []
        if progress is not None and count % 1000 == 0:
            progress(count)
    if changed:
        records.bulk_update(changed, ["search_text"])
    return count


def refresh(incidents, progress=None) -> int:
    """Recompute and store the search text of ``incidents`` (a queryset or ids). Returns how many;
    `progress(how many so far)` is called every 1,000."""
    from .models import Incident, Report

    queryset = incidents if hasattr(incidents, "model") else Incident.objects.filter(pk__in=list(incidents))
    queryset = queryset.select_related("place", "province").prefetch_related(
        Prefetch("reports", queryset=Report.objects.select_related("source"))
    )
    return refresh_texts(
        queryset, lambda incident, place: search_text(incident, list(incident.reports.all()), place), progress
    )


def _expression_index_sql(table: str, name: str) -> str:
    """PostgreSQL: the GIN index on ``to_tsvector(search_text)`` computed per row (before 0015/0005)."""
    return (
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
        f"USING gin (to_tsvector('{SEARCH_CONFIG}'::regconfig, search_text))"
    )


def fts_index(table: str, name: str):
    """A migration operation adding, on PostgreSQL only, the GIN index ``matching`` uses on ``table``."""
    from django.db import migrations

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_expression_index_sql(table, name))

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)


def stored_vector(table: str, index: str):
    """A migration operation: on PostgreSQL only, ``table.search_vector`` (stored, generated from
    ``search_text``) and the GIN index ``index`` on it, in place of the expression index of that name
    that ``fts_index`` made."""
    from django.db import migrations

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('{SEARCH_CONFIG}'::regconfig, search_text)) STORED"
            )
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
            schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
            schema_editor.execute(_expression_index_sql(table, index))

    return migrations.RunPython(create, drop)


# Querying -----------------------------------------------------------------------------------------


def is_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def tsquery_text(words: list[str]) -> str:
    """'sabha:* & raid:*' — the words are normalised to letters and digits only, so nothing in them
    can be tsquery syntax."""
    return " & ".join(f"{word}:*" for word in words)


def _ts_sql(queryset, template: str) -> str:
    """``template`` with {vector} = the stored, GIN-indexed ``search_vector`` column, {query} = the tsquery."""
    quote = connections[queryset.db].ops.quote_name
    vector = f"{quote(queryset.model._meta.db_table)}.{quote('search_vector')}"
    return template.format(vector=vector, query=f"to_tsquery('{SEARCH_CONFIG}', %s)")


# SQLite: an FTS5 index over each searchable table's search_text (external content: the index stores
# no copy): the incidents' and the activity records'.
SQLITE_INDEXED = {"core_incident": "core_incident_search", "activity_activity": "activity_activity_search"}
SQLITE_FTS_TABLE = SQLITE_INDEXED["core_incident"]
# Every character class except separators and controls is part of a word: the column's words are
# already normalised and separated by single spaces, so FTS5's words are exactly those.
SQLITE_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"


def sqlite_triggers(table: str, fts: str) -> dict[str, str]:
    """The triggers keeping ``fts`` in step with ``table`` (names and SQL from module constants)."""
    return {
        f"{fts}_insert": (
            f"AFTER INSERT ON {table} BEGIN "  # noqa: S608 (module constants, never request data)
            f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
        ),
        f"{fts}_delete": (
            f"AFTER DELETE ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END"
        ),
        f"{fts}_update": (
            f"AFTER UPDATE OF search_text ON {table} BEGIN "  # noqa: S608
            f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
            f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END"
        ),
    }


SQLITE_TRIGGERS = sqlite_triggers("core_incident", SQLITE_FTS_TABLE)


def ensure_sqlite_index(using: str = "default", **kwargs) -> bool:
    """Create each SQLite FTS5 index and its triggers if missing, and fill it when it was just made
    (after every ``migrate``: Django rebuilds a SQLite table to alter it, which drops its triggers).
    Returns True when an index had to be (re)built. A no-op on other databases."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not sqlite_has_fts5():
        return False
    rebuilt = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for table, fts in SQLITE_INDEXED.items():
            triggers = sqlite_triggers(table, fts)
            if table not in present or {fts, *triggers} <= present:
                continue  # migrations have not created the table yet, or nothing is missing
            if fts not in present:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
                    f"content_rowid='id', tokenize=\"{SQLITE_TOKENIZER}\")"
                )
            for name, body in triggers.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
            # Rows written while a trigger was missing: re-read the whole column (seconds at 100k).
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
            rebuilt = True
    return rebuilt


@functools.cache
def sqlite_has_fts5() -> bool:
    """Whether this Python's SQLite library has FTS5 (asked of a throwaway in-memory database, so no
    query is added to any request)."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.OperationalError:
        return False
    return True


def sqlite_index_of(queryset) -> str | None:
    """The FTS5 table indexing ``queryset``'s search text on SQLite (None: match the column itself)."""
    if connections[queryset.db].vendor != "sqlite" or not sqlite_has_fts5():
        return None
    return SQLITE_INDEXED.get(queryset.model._meta.db_table)


def fts5_query_text(words: list[str]) -> str:
    """'"sabha"* AND "raid"*' — the words hold letters and digits only, never a double quote."""
    return " AND ".join(f'"{word}"*' for word in words)


def matching(queryset, query: str):
    """Records of ``queryset`` (any model with a maintained ``search_text``) matching every word of
    ``query`` (unchanged for an empty query)."""
    words = query_words(query)
    if not words:
        return queryset
    if is_postgresql(queryset):
        sql = _ts_sql(queryset, "{vector} @@ {query}")
        # The SQL comes from model metadata and constants; the query words travel as a parameter.
        return queryset.filter(RawSQL(sql, (tsquery_text(words),), output_field=BooleanField()))  # noqa: S611
    if fts := sqlite_index_of(queryset):
        quote = connections[queryset.db].ops.quote_name
        column = f"{quote(queryset.model._meta.db_table)}.{quote('id')}"
        sql = f"{column} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"  # noqa: S608
        return queryset.filter(RawSQL(sql, (fts5_query_text(words),), output_field=BooleanField()))  # noqa: S611
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=f" {word}")
    return queryset.filter(condition)


def with_relevance(queryset, query: str):
    """Annotate ``relevance`` (higher is better) for ordering a matched list."""
    words = query_words(query)
    if not words:
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField()))
    if is_postgresql(queryset):
        sql = _ts_sql(queryset, "ts_rank({vector}, {query})")
        return queryset.annotate(relevance=RawSQL(sql, (tsquery_text(words),), output_field=FloatField()))  # noqa: S611
    # Occurrences of each word start: (len(text) - len(text without " word")) / len(" word").
    total = Value(0, output_field=IntegerField())
    for word in words:
        needle = f" {word}"
        removed = Length(F("search_text")) - Length(Replace(F("search_text"), Value(needle), Value("")))
        total = total + removed / Value(len(needle))
    return queryset.annotate(relevance=Cast(total, FloatField()))


__all__ = [
    "compose",
    "matching",
    "normalize",
    "place_search_words",
    "province_words",
    "query_words",
    "refresh",
    "refresh_texts",
    "report_words",
    "search_text",
    "with_relevance",
]
