"""How an incident is cited: a stable identifier (``IPW-000123``, from its id, which never changes or
is reused), its permalink, the retrieval date and its sources. The identifier appears on the incident
page and in every export (CSV, GeoJSON, XLSX, reports CSV)."""

import datetime as dt
import re

REF_PREFIX = "IPW-"
REF_PATTERN = re.compile(r"^IPW-(\d{6,})$")


def incident_ref(pk: int) -> str:
    return f"{REF_PREFIX}{int(pk):06d}"


def parse_ref(text: str) -> int | None:
    match = REF_PATTERN.match((text or "").strip().upper())
    return int(match.group(1)) if match else None


def source_citation(report) -> str:
    """ "Reuters, “Local official on the Sebha camp attack”, 5 May 2019" — the group's media by name and date only."""
    parts = [report.source.name]
    if report.title:
        parts.append(f"“{report.title}”")
    parts.append(report.published_display or "publication date not recorded")
    return ", ".join(parts)


def citation(incident, reports, permalink: str, retrieved: dt.date, site: str = "ipwatch") -> dict:
    ref = incident_ref(incident.pk)
    place = incident.place.name if incident.place_id else "unknown place"
    title = f"{incident.get_incident_type_display()}, {place}, {incident.date_display}"
    retrieved_text = f"{retrieved.day} {retrieved:%B %Y}"
    return {
        "ref": ref,
        "title": title,
        "permalink": permalink,
        "retrieved": retrieved,
        "sources": [source_citation(report) for report in reports],
        "text": f"{site}, “{title}”, {ref}, {permalink} (retrieved {retrieved_text}).",
    }
