"""UCDP's Georeferenced Event Dataset (GED) CSV.

`date_prec` 1–5 → day/week (2–6 days)/week/month/year; the incident's date is `date_start` (at that
precision), `date_end` is kept when it is later. `where_prec` 1–7 → exact/near (within ~25 km)/
district (ADM2)/province (ADM1)/country (5: larger than a province; 6: the country; 7: water or
air space). `best`/`low`/`high` are UCDP's death estimates. Provinces come from `side_a` or `side_b`
(UCDP names the group "IS" everywhere, so the default map places it by country).
"""

import re

from ..fields import parse_choice, parse_count, parse_country_name, parse_date, parse_event_id
from ..records import Cells, Parsed, PlaceRecord
from .base import Format, check_order, coordinates, finish, synthetic_flag

DATE_PREC = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
WHERE_PREC = {
    "1": "exact",
    "2": "near",
    "3": "district",
    "4": "province",
    "5": "country",
    "6": "country",
    "7": "country",
}
# "Sabha town", "Mosul city": UCDP's where_coordinates names the settlement with its kind.
_SETTLEMENT_SUFFIX = re.compile(r"\s+(town|city|village)$", re.IGNORECASE)


class UcdpFormat(Format):
    name = "ucdp"
    id_column = "id"
    label = "UCDP GED"
    required_columns = ("id", "date_start", "side_a", "side_b", "country")
    actor_columns = ("side_a", "side_b")

    def parse_row(self, cells: Cells, provinces, actors) -> Parsed:
        event_id = cells.value("id", parse_event_id, required=True)
        start = cells.value("date_start", parse_date, required=True)
        end = cells.value("date_end", parse_date)
        precision = cells.value("date_prec", parse_choice, default="day", choices=DATE_PREC, what="UCDP date_prec")
        country = cells.value("country", parse_country_name, required=True)
        latitude, longitude = coordinates(cells)
        location_precision = cells.value(
            "where_prec", parse_choice, default="exact", choices=WHERE_PREC, what="UCDP where_prec"
        )
        best = cells.value("best", parse_count)
        low = cells.value("low", parse_count)
        high = cells.value("high", parse_count)
        synthetic = synthetic_flag(cells)
        if start and end and end < start:
            cells.error("date_end", f"{cells.text('date_end')!r} is before date_start")
        check_order(cells, [("low", low), ("best", best), ("high", high)])
        if cells.errors:
            return Parsed(errors=cells.errors)

        side_a, side_b = cells.text("side_a"), cells.text("side_b")
        admin1 = re.sub(r"\s+(province|governorate|district|region|state)$", "", cells.text("adm_1"), flags=re.I)
        place_name = _SETTLEMENT_SUFFIX.sub("", cells.text("where_coordinates")) or admin1 or cells.text("country")
        if side_a.lower().startswith("government of"):
            target = "military"
        elif cells.text("type_of_violence") == "3":
            target = "civilians"
        else:
            target = ""
        headline = cells.text("source_headline")
        provenance = [f"Imported from UCDP GED event {event_id}", f"{side_a} – {side_b}"]
        if cells.text("source_article"):
            provenance.append(f"source: {cells.text('source_article')}")
        record = self.record(
            cells,
            event_id,
            start,
            precision,
            PlaceRecord(place_name, country, admin1, latitude, longitude, location_precision),
            end_date=end if end and end > start else None,
            incident_type="other",  # GED records deaths, not the kind of attack
            target_type=target,
            summary=headline or f"{side_a} v. {side_b} at {place_name} (UCDP GED {event_id}).",
            killed_low=low,
            killed_best=best,
            killed_high=high,
            claim_status="attributed",
            is_synthetic=synthetic,
            internal_notes="; ".join(provenance),
        )
        return finish(cells, record, provinces, actors)
