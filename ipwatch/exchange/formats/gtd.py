"""The Global Terrorism Database, as CSV or XLSX (GTD ships both; same column names).

`iyear`/`imonth`/`iday`: a month or day of 0 means unknown, which lowers the precision (day 0 →
month precision; month 0 → year precision). `specificity` 1–5 → exact/district/district/province/
country (2: a town whose coordinates were not found, so the smallest region's centroid).
`claimed` 1 → claimed; anything else → attributed (GTD attributes the attack to the group).
Provinces come from `gname`, then `gname2`/`gname3` when present. -9/-99 mean unknown in counts.
"""

import datetime as dt

from ..fields import parse_choice, parse_count, parse_country_name, parse_event_id, parse_int
from ..records import Cells, Parsed, PlaceRecord
from .base import Format, coordinates, finish, synthetic_flag

SPECIFICITY = {"1": "exact", "2": "district", "3": "district", "4": "province", "5": "country"}
ATTACK_TYPES = {
    "assassination": "assassination",
    "armed assault": "raid",
    "bombing/explosion": "bombing",
    "hijacking": "other",
    "hostage taking (barricade incident)": "kidnapping",
    "hostage taking (kidnapping)": "kidnapping",
    "facility/infrastructure attack": "arson_sabotage",
    "unarmed assault": "other",
    "unknown": "other",
}
TARGET_TYPES = {
    "military": "military",
    "police": "police",
    "government (general)": "government",
    "government (diplomatic)": "government",
    "private citizens & property": "civilians",
    "business": "civilians",
    "educational institution": "civilians",
    "journalists & media": "civilians",
    "tourists": "civilians",
    "ngo": "civilians",
    "religious figures/institutions": "religious",
    "utilities": "infrastructure",
    "transportation": "infrastructure",
    "telecommunication": "infrastructure",
    "airports & aircraft": "infrastructure",
    "maritime": "infrastructure",
    "food or water supply": "infrastructure",
}
UNKNOWN_CODES = {"-9", "-99"}


def gtd_count(text: str) -> int | None:
    return None if text in UNKNOWN_CODES else parse_count(text)


class GtdFormat(Format):
    name = "gtd"
    id_column = "eventid"
    label = "GTD"
    required_columns = ("eventid", "iyear", "imonth", "iday", "country_txt", "gname")
    actor_columns = ("gname", "gname2", "gname3")

    def parse_row(self, cells: Cells, provinces, actors) -> Parsed:
        event_id = cells.value("eventid", parse_event_id, required=True)
        year = cells.value("iyear", parse_int, required=True, minimum=1970, maximum=2100)
        month = cells.value("imonth", parse_int, required=True, minimum=0, maximum=12)
        day = cells.value("iday", parse_int, required=True, minimum=0, maximum=31)
        country = cells.value("country_txt", parse_country_name, required=True)
        latitude, longitude = coordinates(cells)
        location_precision = cells.value(
            "specificity",
            parse_choice,
            default="exact" if latitude is not None else "country",
            choices=SPECIFICITY,
            what="GTD specificity",
        )
        killed = cells.value("nkill", gtd_count)
        wounded = cells.value("nwound", gtd_count)
        kidnapped = cells.value("nhostkid", gtd_count)
        synthetic = synthetic_flag(cells)

        date, precision = None, "day"
        if year is not None and month is not None and day is not None:
            if month == 0:
                date, precision = dt.date(year, 1, 1), "year"
            elif day == 0:
                date, precision = dt.date(year, month, 1), "month"
            else:
                try:
                    date = dt.date(year, month, day)
                except ValueError:
                    cells.error("iday", f"'{year}-{month:02d}-{day:02d}' is not a date")
        if cells.errors:
            return Parsed(errors=cells.errors)

        city = cells.text("city")
        if city.lower() == "unknown":
            city = ""
        admin1 = cells.text("provstate")
        if admin1.lower() == "unknown":
            admin1 = ""
        place_name = city or admin1 or cells.text("country_txt")
        attack = cells.text("attacktype1_txt")
        incident_type = ATTACK_TYPES.get(attack.lower(), "other")
        if incident_type == "bombing" and cells.text("suicide") == "1":
            incident_type = "suicide_attack"
        target = cells.text("targtype1_txt")
        sources = [cells.text(f"scite{i}") for i in (1, 2, 3) if cells.text(f"scite{i}")]
        provenance = [f"Imported from GTD event {event_id}", f"gname: {cells.text('gname')}"]
        if sources:
            provenance.append("sources: " + " | ".join(sources))
        if cells.text("dbsource"):
            provenance.append(f"dbsource: {cells.text('dbsource')}")
        record = self.record(
            cells,
            event_id,
            date,
            precision,
            PlaceRecord(place_name, country, admin1, latitude, longitude, location_precision),
            incident_type=incident_type,
            target_type=TARGET_TYPES.get(target.lower(), "other" if target else ""),
            summary=cells.text("summary") or f"{attack or 'Attack'} at {place_name} (GTD {event_id}).",
            killed_best=killed,
            wounded_best=wounded,
            kidnapped=kidnapped,
            claim_status="claimed" if cells.text("claimed") == "1" else "attributed",
            is_synthetic=synthetic,
            internal_notes="; ".join(provenance),
        )
        return finish(cells, record, provinces, actors)
