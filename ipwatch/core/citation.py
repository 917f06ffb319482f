"""How a record is cited: a stable identifier (``IPW-000123`` for an incident, ``IPW-A-000004`` for an
activity record of another kind — from its id, which never changes or is reused), its permalink, the
retrieval date and its sources. The identifier appears on the record's page and in every export
(CSV, GeoJSON, XLSX, reports CSV, the activity CSV and GeoJSON)."""

import datetime as dt

REF_PREFIX = "IPW-"
ACTIVITY_REF_PREFIX = "IPW-A-"  # activity ids are their own sequence: never mistaken for an incident's
ANY_REF_PATTERN = r"^IPW-(A-)?\d{6,}$"


def incident_ref(pk: int) -> str:
    return f"{REF_PREFIX}{int(pk):06d}"


def activity_ref(pk: int) -> str:
    return f"{ACTIVITY_REF_PREFIX}{int(pk):06d}"


def source_citation(report) -> str:
    """ "Reuters, “Local official on the Sebha camp attack”, 5 May 2019" — the group's media by name and date only."""
    parts = [report.source.name]
    if report.title:
        parts.append(f"“{report.title}”")
    parts.append(report.published_display or "publication date not recorded")
    return ", ".join(parts)


def record_citation(ref: str, title: str, reports, permalink: str, retrieved: dt.date, site: str = "ipwatch"):
    retrieved_text = f"{retrieved.day} {retrieved:%B %Y}"
    return {
        "ref": ref,
        "title": title,
        "permalink": permalink,
        "retrieved": retrieved,
        "sources": [source_citation(report) for report in reports],
        "text": f"{site}, “{title}”, {ref}, {permalink} (retrieved {retrieved_text}).",
    }


def citation(incident, reports, permalink: str, retrieved: dt.date, site: str = "ipwatch") -> dict:
    place = incident.place.name if incident.place_id else "unknown place"
    title = f"{incident.get_incident_type_display()}, {place}, {incident.date_display}"
    return record_citation(incident_ref(incident.pk), title, reports, permalink, retrieved, site)


def activity_citation(activity, reports, permalink: str, retrieved: dt.date, site: str = "ipwatch") -> dict:
    title = f"{activity.get_kind_display()}: {activity.title}, {activity.period_display}"
    return record_citation(activity_ref(activity.pk), title, reports, permalink, retrieved, site)
