"""ACLED's CSV export (or its XLSX, same columns; header case is ignored).

Dates: `2019-05-04` (API and recent exports) or `04 May 2019` (older exports).
`time_precision` 1/2/3 → day/week/month; `geo_precision` 1/2/3 → exact/near (a town standing for a
nearby area)/province (a larger region, or the provincial capital standing in).
`iso` is ISO 3166 numeric; the country name is used only when `iso` is absent.
Provinces come from `actor1` or the `;`-separated `assoc_actor_1` (ACLED's actor2 is the other side).
"""

from ..fields import parse_choice, parse_count, parse_country_name, parse_country_number, parse_date, parse_event_id
from ..records import Cells, Parsed, PlaceRecord
from .base import Format, coordinates, finish, synthetic_flag

TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "exact", "2": "near", "3": "province"}

# (event_type, sub_event_type) → IncidentType; sub-event alone is enough for most.
SUB_EVENT_TYPES = {
    "armed clash": "raid",
    "attack": "raid",
    "government regains territory": "other",
    "non-state actor overtakes territory": "raid",
    "suicide bomb": "suicide_attack",
    "remote explosive/landmine/ied": "bombing",
    "grenade": "bombing",
    "shelling/artillery/missile attack": "indirect_fire",
    "air/drone strike": "indirect_fire",
    "abduction/forced disappearance": "kidnapping",
    "looting/property destruction": "arson_sabotage",
}
EVENT_TYPE_TARGETS = {"violence against civilians": "civilians", "battles": "military"}


def target_from_actor2(actor2: str, event_type: str) -> str:
    lowered = actor2.lower()
    if lowered.startswith("military forces"):
        return "military"
    if lowered.startswith("police forces"):
        return "police"
    if lowered.startswith("civilians"):
        return "civilians"
    if lowered.startswith("government of"):
        return "government"
    return EVENT_TYPE_TARGETS.get(event_type.lower(), "")


class AcledFormat(Format):
    name = "acled"
    id_column = "event_id_cnty"
    label = "ACLED"
    required_columns = ("event_id_cnty", "event_date", "actor1", "country")
    actor_columns = ("actor1", "assoc_actor_1")

    def actors(self, cells: Cells) -> list[str]:
        return [cells.text("actor1"), *(a.strip() for a in cells.text("assoc_actor_1").split(";"))]

    def parse_row(self, cells: Cells, provinces, actors) -> Parsed:
        event_id = cells.value("event_id_cnty", parse_event_id, required=True)
        date = cells.value("event_date", parse_date, required=True)
        precision = cells.value(
            "time_precision", parse_choice, default="day", choices=TIME_PRECISION, what="ACLED time precision"
        )
        if cells.text("iso"):
            country = cells.value("iso", parse_country_number)
        else:
            country = cells.value("country", parse_country_name, required=True)
        latitude, longitude = coordinates(cells)
        location_precision = cells.value(
            "geo_precision", parse_choice, default="exact", choices=GEO_PRECISION, what="ACLED geo precision"
        )
        fatalities = cells.value("fatalities", parse_count)
        synthetic = synthetic_flag(cells)
        if cells.errors:
            return Parsed(errors=cells.errors)

        event_type, sub_event_type = cells.text("event_type"), cells.text("sub_event_type")
        incident_type = SUB_EVENT_TYPES.get(sub_event_type.lower(), "other")
        place_name = cells.text("location") or cells.text("admin2") or cells.text("admin1") or cells.text("country")
        notes = cells.text("notes")
        provenance = [f"Imported from ACLED event {event_id}", f"actor1: {cells.text('actor1')}"]
        for column in ("assoc_actor_1", "actor2", "source", "source_scale", "tags", "timestamp"):
            if cells.text(column):
                provenance.append(f"{column}: {cells.text(column)}")
        record = self.record(
            cells,
            event_id,
            date,
            precision,
            PlaceRecord(place_name, country, cells.text("admin1"), latitude, longitude, location_precision),
            incident_type=incident_type,
            target_type=target_from_actor2(cells.text("actor2"), event_type),
            summary=notes or f"{sub_event_type or event_type or 'Event'} at {place_name} (ACLED {event_id}).",
            killed_best=fatalities,
            claim_status="attributed",
            is_synthetic=synthetic,
            internal_notes="; ".join(provenance),
        )
        return finish(cells, record, provinces, actors)
