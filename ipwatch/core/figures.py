"""Unknown is not zero: sums of casualty figures that say how many records had the figure unknown.

A sum over incidents whose ``killed_best`` is sometimes unknown is a *lower bound*, not a total:
"≥ 4 (1 unknown)". When every record's figure is unknown the sum is "unknown", never "0". Every
page, chart, table and export that adds figures goes through ``Tally`` (build it from the
aggregates ``tally_aggregates`` adds to a query, or from Python values with ``Tally.of``), and
templates print it with ``{{ tally }}`` or the ``tally`` filter in ``ipwatch`` template tags.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Tally:
    """known: sum of the figures that are known; unknown: how many records have the figure unknown."""

    known: int = 0
    unknown: int = 0

    @classmethod
    def of(cls, values: Iterable[int | None]) -> "Tally":
        values = list(values)
        return cls(sum(v for v in values if v is not None), sum(1 for v in values if v is None))

    @classmethod
    def from_row(cls, row: dict, name: str) -> "Tally":
        """From the aggregates that ``tally_aggregates(name, …)`` added."""
        return cls(row.get(f"{name}_known") or 0, row.get(f"{name}_unknown") or 0)

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.known + other.known, self.unknown + other.unknown)

    @property
    def all_unknown(self) -> bool:
        return self.unknown > 0 and self.known == 0

    @property
    def is_exact(self) -> bool:
        return self.unknown == 0

    @property
    def value(self) -> int | None:
        """The total when it is exact, else None (for machine-readable answers)."""
        return self.known if self.is_exact else None

    def display(self, *, compact: bool = False) -> str:
        """ "12"; "≥ 12 (3 unknown)"; "unknown" (or "—" when compact) when no record's figure is known."""
        if self.is_exact:
            return f"{self.known:,}"
        if self.all_unknown:
            return "—" if compact else UNKNOWN
        return f"≥ {self.known:,} ({self.unknown:,} unknown)"

    @property
    def headline(self) -> str:
        """For a big figure with the unknown count said beside it (``note``): "7", "≥ 7", "unknown"."""
        if self.is_exact:
            return f"{self.known:,}"
        return UNKNOWN if self.all_unknown else f"≥ {self.known:,}"

    @property
    def note(self) -> str:
        """ "" when exact, else how many records had the figure unknown."""
        if self.is_exact:
            return ""
        records = "record" if self.unknown == 1 else "records"
        if self.all_unknown:
            return f"not known for any of the {self.unknown:,} {records}" if self.unknown > 1 else "not known"
        return f"{self.unknown:,} {records} with the figure unknown"

    def __str__(self) -> str:
        return self.display()


def tally_aggregates(name: str, field: str, filter: Q | None = None, *, count_field: str = "id") -> dict:
    """Aggregates for ``queryset.aggregate()``/``annotate()``: ``<name>_known`` (sum of known values,
    0 when none) and ``<name>_unknown`` (records whose ``field`` is NULL), optionally under ``filter``."""
    unknown = Q(**{f"{field}__isnull": True})
    return {
        f"{name}_known": Coalesce(Sum(field, filter=filter), Value(0), output_field=IntegerField()),
        f"{name}_unknown": Count(count_field, filter=unknown & filter if filter is not None else unknown),
    }


def describe(value: int | None) -> str:
    """One record's figure: the number, or "unknown"."""
    return UNKNOWN if value is None else f"{value:,}"
