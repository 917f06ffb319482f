"""Loads the real, sourced sample data in fixtures/sample_data.json. Idempotent: every row is
matched on a natural key (slug, name, sample id) and updated in place, never duplicated."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .choices import IncidentStatus
from .models import Campaign, Incident, Milestone, Place, Province, Report, Source
from .workflow import SYSTEM, acting_as

SAMPLE_FILE = Path(settings.BASE_DIR) / "fixtures" / "sample_data.json"
SAMPLE_SOURCE = "ipwatch-sample"


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _upsert_place(fields: dict) -> Place:
    """The sample place, matched on its gazetteer id, else the oldest place of that name and country:
    editors may have added another "Sebha" since (names are not unique), and a reload must not fail."""
    same = Place.objects.filter(name=fields["name"], country=fields["country"]).order_by("id")
    place = (fields["gazetteer_id"] and same.filter(gazetteer_id=fields["gazetteer_id"]).first()) or same.first()
    place = place or Place()
    for name, value in fields.items():
        setattr(place, name, value)
    place.save()
    return place


@transaction.atomic
def load_sample_data(path: Path = SAMPLE_FILE) -> dict[str, int]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    provinces = {}
    for row in data["provinces"]:
        fields = {key: value for key, value in row.items() if key != "slug"}
        provinces[row["slug"]], _ = Province.objects.update_or_create(slug=row["slug"], defaults=fields)
    sources = {}
    for row in data["sources"]:
        fields = {key: value for key, value in row.items() if key != "slug"}
        sources[row["slug"]], _ = Source.objects.update_or_create(slug=row["slug"], defaults=fields)
    places = {}
    for row in data["places"]:
        fields = {key: value for key, value in row.items() if key != "key"}
        places[row["key"]] = _upsert_place(fields)
    campaigns = {}
    for row in data["campaigns"]:
        fields = {key: value for key, value in row.items() if key not in {"slug", "claim_source"}}
        fields["claim_source"] = sources.get(row.get("claim_source"))
        campaigns[row["slug"]], _ = Campaign.objects.update_or_create(slug=row["slug"], defaults=fields)
    for row in data["milestones"]:
        Milestone.objects.update_or_create(
            title=row["title"],
            defaults={
                "date": _date(row["date"]),
                "date_precision": row["date_precision"],
                "description": row["description"],
                "province": provinces.get(row.get("province")),
                "source_note": row.get("source_note", ""),
            },
        )
    for row in data["incidents"]:
        fields = {
            key: value
            for key, value in row.items()
            if key not in {"sample_id", "date", "place", "province", "campaign", "reports"}
        }
        with acting_as(SYSTEM):  # loading the sample data is the command line's own work
            incident, _ = Incident.objects.update_or_create(
                external_source=SAMPLE_SOURCE,
                external_id=row["sample_id"],
                defaults={
                    **fields,
                    "date": _date(row["date"]),
                    "place": places[row["place"]],
                    "province": provinces.get(row.get("province")),
                    "campaign": campaigns.get(row.get("campaign")),
                    "status": IncidentStatus.PUBLISHED,
                },
            )
        if incident.published_at is None:
            incident.published_at = incident.created_at
            incident.save(update_fields=["published_at"])
        for report in row["reports"]:
            key_fields = {"incident": incident, "source": sources[report["source"]], "title": report["title"]}
            values = {k: v for k, v in report.items() if k not in {"source", "title"}}
            values["published_on"] = _date(values.get("published_on"))
            Report.objects.update_or_create(**key_fields, defaults=values)
    # Activity beyond attacks (media releases, leadership, territory…) lives in its own app.
    from ipwatch.activity.sample_data import load_sample_activity

    activities = load_sample_activity(data.get("activities", []), sample_source=SAMPLE_SOURCE, places=places)
    return {
        "provinces": len(provinces),
        "sources": len(sources),
        "places": len(places),
        "campaigns": len(campaigns),
        "milestones": len(data["milestones"]),
        "incidents": len(data["incidents"]),
        "activities": activities,
    }
