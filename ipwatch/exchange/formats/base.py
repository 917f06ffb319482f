"""What the formats share: header checks, coordinates, and turning a province match into a record."""

import itertools

from ..errors import RowError
from ..fields import parse_bool, parse_latitude, parse_longitude
from ..provinces import ProvinceMap
from ..records import Cells, IncidentRecord, Parsed, PlaceRecord, Skip


class Format:
    name = ""
    label = ""
    required_columns: tuple[str, ...] = ()
    actor_columns: tuple[str, ...] = ()
    id_column = ""  # the dataset's event id: the import key, which must not repeat within a file

    def key_column(self, record) -> str:
        """The column an error about ``record``'s import key (a repeated event id) points at."""
        return self.id_column

    def check_header(self, header: list[str]) -> list[RowError]:
        present = set(header)
        return [
            RowError(1, column, "required column is missing from the header")
            for column in self.required_columns
            if column not in present
        ]

    def actors(self, cells: Cells) -> list[str]:
        return [cells.text(column) for column in self.actor_columns]

    def parse(self, cells: Cells, provinces: ProvinceMap) -> Parsed:
        """Skip rows of other actors before validating them (a full ACLED country export is mostly
        other actors); validate the rest fully."""
        actors = self.actors(cells)
        if not provinces.knows(actors):
            # Encoding errors still count: a mis-encoded file is rejected whatever its rows are.
            return Parsed(skip=Skip(cells.number, "other actor"), errors=cells.errors)
        parsed = self.parse_row(cells, provinces, actors)
        if parsed.record is not None:
            parsed.record.province_column = self.actor_columns[0]
        return parsed

    def parse_row(self, cells: Cells, provinces: ProvinceMap, actors: list[str]) -> Parsed:
        raise NotImplementedError

    def record(
        self, cells: Cells, event_id: str, date, precision: str, place: PlaceRecord, **fields
    ) -> IncidentRecord:
        """A dataset row's record, keyed on (this format's name, the event id); ``finish`` adds the province."""
        return IncidentRecord(
            row=cells.number,
            external_source=self.name,
            external_id=event_id,
            date=date,
            date_precision=precision,
            place=place,
            province=None,
            **fields,
        )


def coordinates(cells: Cells, lat_column: str = "latitude", lon_column: str = "longitude"):
    latitude = cells.value(lat_column, parse_latitude)
    longitude = cells.value(lon_column, parse_longitude)
    lat_text, lon_text = cells.text(lat_column), cells.text(lon_column)
    if bool(lat_text) != bool(lon_text):
        missing = lon_column if lat_text else lat_column
        cells.error(missing, f"is empty but {lat_column if lat_text else lon_column} is given (give both or neither)")
        return None, None
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


def check_order(cells: Cells, estimates: list[tuple[str, int | None]]) -> None:
    """low ≤ best ≤ high, for whichever of the three are given."""
    given = [(column, value) for column, value in estimates if value is not None]
    for (low_column, low), (high_column, high) in itertools.pairwise(given):
        if low > high:
            cells.error(high_column, f"{high} is below {low_column} ({low})")


def synthetic_flag(cells: Cells) -> bool:
    """Not a column of any dataset: our synthetic test and benchmark files add `is_synthetic` so what
    they create stays labelled synthetic."""
    return bool(cells.value("is_synthetic", parse_bool, default=False))


def finish(cells: Cells, record, provinces: ProvinceMap, actors: list[str]) -> Parsed:
    """Attach the province (or skip the row) once the place is known; errors win over everything."""
    if cells.errors or record is None:
        return Parsed(errors=cells.errors)
    place = record.place
    match = provinces.match(actors, place.country, place.admin1, place.latitude, place.longitude)
    if match is None:
        return Parsed(skip=Skip(cells.number, "other actor"))
    if match.province is None:
        return Parsed(skip=Skip(cells.number, "no province"))
    record.province = match.province
    record.actor = match.actor
    return Parsed(record=record)
