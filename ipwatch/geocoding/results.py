"""What a geocoding lookup answers: the best match, its score and source, and the alternatives."""

import math
from dataclasses import dataclass, field

# A second candidate closer than this to the first is the same place (GeoNames often lists a
# town twice, e.g. "Mocímboa" and "Mocímboa da Praia" 4 km apart); the bench's hit radius too.
SAME_PLACE_KM = 25.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Match:
    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    score: float
    source: str  # "geonames:2212775", "supplement:al-fuqaha", "nominatim:relation/…"
    population: int = 0
    matched: str = ""  # the spelling in the data that matched the query
    how: str = ""  # name, alias, article, phonetic, fuzzy, online

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "score": round(self.score, 3),
            "source": self.source,
            "matched": self.matched,
            "how": self.how,
        }

    def describe(self) -> str:
        region = f", {self.admin1}" if self.admin1 else ""
        return f"{self.name} ({self.country}{region}) {self.lat:.4f}, {self.lon:.4f}"

    def km_to(self, other: "Match") -> float:
        return distance_km(self.lat, self.lon, other.lat, other.lon)


@dataclass
class GeocodeResult:
    query: str
    country: str = ""  # the country hint, if any
    best: Match | None = None
    alternatives: list[Match] = field(default_factory=list)
    ambiguous: bool = False
    error: str = ""
    note: str = ""

    @property
    def resolved(self) -> bool:
        return self.best is not None

    def to_dict(self) -> dict:
        """The shape `manage.py geocode --json` prints (one object per name)."""
        best = self.best
        data = {
            "query": self.query,
            "name": best.name if best else None,
            "country": best.country if best else (self.country or None),
            "admin1": best.admin1 if best else None,
            "lat": round(best.lat, 5) if best else None,
            "lon": round(best.lon, 5) if best else None,
            "score": round(best.score, 3) if best else 0.0,
            "source": best.source if best else None,
            "matched": best.matched if best else None,
            "how": best.how if best else None,
            "alternatives": [alt.to_dict() for alt in self.alternatives],
            "ambiguous": self.ambiguous,
        }
        if not best:
            data["error"] = self.error or f"no place matches {self.query!r}"
        if self.note:
            data["note"] = self.note
        return data

    def summary(self) -> str:
        """One line for messages and command output."""
        if not self.best:
            text = self.error or f"no place matches {self.query!r}"
            if self.alternatives:
                text += "; elsewhere: " + "; ".join(alt.describe() for alt in self.alternatives)
            return text
        text = f"{self.query!r} → {self.best.describe()} [score {self.best.score:.2f}, {self.best.source}]"
        if self.alternatives:
            label = "ambiguous, also" if self.ambiguous else "also"
            text += f"; {label}: " + "; ".join(alt.describe() for alt in self.alternatives)
        return text
