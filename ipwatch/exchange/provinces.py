"""Which province (wilayah) an imported row belongs to, from the actor/group name the dataset gives.

The map is a CSV (`fixtures/province_map.csv` by default; `--province-map FILE` adds to and overrides
it) with columns `actor,country,province`:

- `actor`: the dataset's name for the group, matched case- and spacing-insensitively;
- `country`: ISO2, or blank for "any country" — generic names ("Islamic State", UCDP's "IS",
  GTD's "ISIL") need it because the same name is used everywhere;
- `province`: a province slug, a location rule (`libya:location`, `egypt:sinai`), or `skip`
  to switch a default entry off.

An exact name is tried first; failing that the name without a trailing ` - … Faction` suffix and then
without a trailing bracket (so "Islamic State (Chad)" falls back to the generic "Islamic State" for
its country). Rows whose actors match nothing are skipped; so are rows of a mapped actor in a
country the map gives no province for (e.g. ISIL-inspired attacks in Europe).
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import RowError

DEFAULT_MAP = Path(__file__).resolve().parents[2] / "fixtures" / "province_map.csv"
SKIP = "skip"


def normalise_actor(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).replace("’", "'").casefold()
    return " ".join(folded.split())


_FACTION = re.compile(r"\s+-\s+[^-]*$")  # "Islamic State (West Africa) - Lake Chad Faction"
_TRAILING_BRACKET = re.compile(r"\s*\([^()]*\)$")  # "Islamic State (Libya)", "… Province (ISWAP)"


def _candidates(actor: str) -> list[str]:
    names = [actor]
    without_faction = _FACTION.sub("", actor)
    if without_faction != actor:
        names.append(without_faction)
    for name in list(names):
        stripped = _TRAILING_BRACKET.sub("", name)
        if stripped != name and stripped:
            names.append(stripped)
    return names


# --- Location rules ------------------------------------------------------------------------------
# Libya had three wilayat, following the country's historical regions: Barqa (Cyrenaica, the east),
# Tarabulus (Tripolitania, the west, including Sirte) and Fezzan (the south-west desert).
# We decide by the row's first-level region (ACLED/GTD/UCDP spellings of the shabiyat) and fall back
# to coordinates. Decisions worth knowing (ours, not the group's own boundaries): Al Jufrah (Hun,
# Waddan, al-Fuqaha) goes to Fezzan, with the rest of the desert south of 29.5°N; Surt (Sirte) to
# Tarabulus; Al Kufrah and Al Wahat (Ajdabiya, Brega) to Barqa, with everything east of 19°E.
# Spellings after _admin_key() (lower case, no accents, no "al"/"district"…), "|"-separated.
_LIBYA_ADMIN1 = {
    "barqa": "butnan|tobruk|tubruq|darnah|derna|jabal akhdar|green mountain|bayda|qubbah|marj|benghazi|banghazi"
    "|wahat|ajdabiya|ajdabiyah|kufrah|kufra|cyrenaica|barqa",
    "tarabulus": "tripoli|tarabulus|tripolitania|jfara|jifarah|jafara|jafarah|zawiyah|zawiya|zawia|nuqat khams"
    "|zuwara|zuwarah|sabratha|sabratha surman|jabal gharbi|nafusa|gharyan|yafran|mizdah|nalut|ghadamis|ghadames"
    "|misrata|misratah|misurata|murqub|murgub|marqab|khoms|khums|tarhuna|tarhuna wa msallata|bani walid|surt|sirte"
    "|sirt",
    "fezzan": "sabha|sebha|fezzan|fazzan|jufrah|jufra|hun|wadi shati|wadi shatii|shati|wadi hayaa|wadi hayat|ubari"
    "|awbari|ghat|murzuq|murzuk",
}
# Articles and admin-unit words that spellings add or drop ("Al Jufrah", "Surt district").
_ADMIN_NOISE = frozenset(
    {"al", "el", "ash", "as", "az", "an", "ad", "at", "ar", "ath"}  # articles
    | {"district", "municipality", "shabiyat", "region", "province", "governorate"}
)
_LIBYA_BY_ADMIN1 = {name: slug for slug, names in _LIBYA_ADMIN1.items() for name in names.split("|")}


def _admin_key(admin1: str) -> str:
    folded = unicodedata.normalize("NFKD", admin1).encode("ascii", "ignore").decode().lower()
    tokens = re.split(r"[\s\-'`’]+", folded)
    return " ".join(t for t in tokens if t and t not in _ADMIN_NOISE)


def libya_by_location(admin1: str, latitude: float | None, longitude: float | None) -> str | None:
    slug = _LIBYA_BY_ADMIN1.get(_admin_key(admin1)) if admin1 else None
    if slug:
        return slug
    if latitude is None or longitude is None:
        return None
    if longitude >= 19.0:  # east of the Gulf of Sirte's head (al-Uqayla/Brega) and the Kufra desert
        return "barqa"
    if latitude < 29.5:  # the southern desert: Sabha, Ubari, Murzuq, Ghat, Jufrah
        return "fezzan"
    return "tarabulus"


_SINAI_ADMIN1 = {"north sinai", "south sinai", "sinai", "shamal sina", "janub sina", "shamal sinai", "janub sinai"}


def egypt_sinai(admin1: str, latitude: float | None, longitude: float | None) -> str | None:
    """Generic "Islamic State" rows in Egypt count for Sinai only when they are in Sinai."""
    if admin1 and _admin_key(admin1) in _SINAI_ADMIN1:
        return "sinai"
    if latitude is not None and longitude is not None and 27.7 <= latitude <= 31.4 and longitude >= 32.35:
        return "sinai"  # east of the Suez Canal
    return None


RULES = {"libya:location": libya_by_location, "egypt:sinai": egypt_sinai}


# --- The map --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    """An actor the map knows. `province` is a slug, or None when no province applies here."""

    actor: str
    province: str | None


class ProvinceMap:
    def __init__(self, entries: dict[tuple[str, str], str] | None = None):
        # (normalised actor, country or "") → slug | rule | "skip"
        self.entries = dict(entries or {})
        # Names with at least one live entry ("skip" rows switch a default off entirely).
        self.actors = {actor for (actor, _), target in self.entries.items() if target != SKIP}

    @classmethod
    def load(cls, extra: str | Path | None = None) -> "ProvinceMap":
        """The default map, with `extra` (a user's --province-map file) layered over it."""
        entries = _read_map(DEFAULT_MAP)
        if extra:
            entries.update(_read_map(Path(extra)))
        return cls(entries)

    def knows(self, actors) -> bool:
        """Cheap first test: does any of these names appear in the map at all?"""
        return any(raw and any(name in self.actors for name in _candidates(normalise_actor(raw))) for raw in actors)

    def match(self, actors, country: str, admin1: str, latitude, longitude) -> Match | None:
        """The first of `actors` the map knows, with its province here; None if none is known."""
        for raw in actors:
            if not raw:
                continue
            for name in _candidates(normalise_actor(raw)):
                if name not in self.actors:
                    continue
                target = self.entries.get((name, country)) or self.entries.get((name, ""))
                if target is None or target == SKIP:
                    continue  # known name, but switched off or not mapped in this country
                if target in RULES:
                    return Match(raw, RULES[target](admin1, latitude, longitude))
                return Match(raw, target)
        # An IS name known for other countries only (ISIL in France): say so instead of "other actor".
        for raw in actors:
            if self.knows([raw]):
                return Match(raw, None)
        return None

    def slugs(self) -> set[str]:
        """Every province slug the map can produce (for checking them against the database)."""
        slugs = {target for target in self.entries.values() if target not in RULES and target != SKIP}
        slugs.update({"barqa", "tarabulus", "fezzan", "sinai"})
        return slugs


class ProvinceMapError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _read_map(path: Path) -> dict[tuple[str, str], str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProvinceMapError([RowError(None, "", f"cannot read province map {path}: {exc}")]) from exc
    # Blank out comment lines rather than drop them, so reported row numbers are the file's lines.
    lines = ["" if line.lstrip().startswith("#") else line for line in text.splitlines()]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header = next((cells for cells in reader if cells), [])
    columns = [name.strip().lower() for name in header]
    missing = {"actor", "province"} - set(columns)
    if missing:
        raise ProvinceMapError(
            [
                RowError(reader.line_num, name, f"required column is missing from {path.name}")
                for name in sorted(missing)
            ]
        )
    entries, errors = {}, []
    for cells in reader:
        if not any(cells):
            continue
        number = reader.line_num
        row = {name: value.strip() for name, value in zip(columns, cells, strict=False)}
        actor, country = normalise_actor(row.get("actor", "")), row.get("country", "").upper()
        target = row.get("province", "").lower()
        if not actor:
            errors.append(RowError(number, "actor", "is empty"))
            continue
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            errors.append(RowError(number, "country", f"{country!r} is not an ISO 3166-1 alpha-2 code"))
            continue
        if not re.fullmatch(r"[a-z0-9-]+(:[a-z]+)?", target) or (":" in target and target not in RULES):
            errors.append(
                RowError(number, "province", f"{target!r} is not a province slug, a rule ({', '.join(RULES)}) or skip")
            )
            continue
        entries[(actor, country)] = target
    if errors:
        raise ProvinceMapError(errors)
    return entries
