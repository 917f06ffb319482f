"""The real sample activity (the "activities" section of fixtures/sample_data.json): the Amaq
statement and the photo set on the Sebha raid, Baghdadi's 29 April 2019 video, the Al Naba 177
infographic of the "revenge for Syria" campaign, Sirte held until late 2016. Idempotent: matched on
the sample id, updated in place."""

import datetime as dt

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Campaign, Incident, Place, Province, Source
from ipwatch.core.workflow import SYSTEM, acting_as

from .models import Activity, ActivityReport

RELATIONS = {"place", "province", "outlet", "campaign", "claimed_incidents", "reports", "sample_id"}


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def load_sample_activity(rows: list[dict], *, sample_source: str, places: dict[str, Place]) -> int:
    for row in rows:
        fields = {key: value for key, value in row.items() if key not in RELATIONS}
        fields["date"] = _date(fields.get("date"))
        fields["end_date"] = _date(fields.get("end_date"))
        with acting_as(SYSTEM):  # loading the sample data is the command line's own work
            activity, _ = Activity.objects.update_or_create(
                external_source=sample_source,
                external_id=row["sample_id"],
                defaults={
                    **fields,
                    "place": places.get(row.get("place")),
                    "province": Province.objects.filter(slug=row.get("province")).first(),
                    "outlet": Source.objects.filter(slug=row.get("outlet")).first(),
                    "campaign": Campaign.objects.filter(slug=row.get("campaign")).first(),
                    "status": IncidentStatus.PUBLISHED,
                },
            )
        activity.full_clean()
        if activity.published_at is None:
            activity.published_at = activity.created_at
            activity.save(update_fields=["published_at"])
        activity.claimed_incidents.set(
            Incident.objects.filter(external_source=sample_source, external_id__in=row.get("claimed_incidents", []))
        )
        for report in row["reports"]:
            values = {key: value for key, value in report.items() if key not in {"source", "title"}}
            values["published_on"] = _date(values.get("published_on"))
            ActivityReport.objects.update_or_create(
                activity=activity,
                source=Source.objects.get(slug=report["source"]),
                title=report["title"],
                defaults=values,
            )
    return len(rows)
