"""The offline gazetteer: GeoNames extract + curated supplement, indexed by normalised name keys.

Lookup order (the first tier with a candidate in the allowed countries wins, so an exact or alias
match always beats a looser one):

    name      the place's own name, folded (case, diacritics, marks, hyphens)   score 1.00
    alias     an alternate name or the Arabic name, folded                     score 0.95
    article   the same without Arabic articles (al-, el-, ad-, ash-, …)         score 0.90
    phonetic  transliteration swaps folded (e/a, ou/u, q/k/g, doubles, -h)      score 0.85
    fuzzy     closest phonetic keys by edit similarity: ≥ 80 % with the same
              consonants within the given countries, ≥ 90 % worldwide          score ≤ 0.80

Name, alias and article matches are one group: within it the most populous place wins (population
breaks ties between equally plausible readings of a name); phonetic matches are only tried when
the group is empty, fuzzy ones last. Candidates more than 25 km from the best one are
alternatives; when one of them matched at least as well as the best, the answer is ambiguous: its
score drops by 15 % and the alternatives say where else the name is.

A country hint restricts the search to that country. A list of countries (the incident's
province) narrows it the same way but falls back to everywhere when nothing matches there.

The index is built once per process (``get_gazetteer()``) and cached on disk under var/cache,
keyed on the data files and the normaliser version, so later processes load it in a fraction of
a second.
"""

import bisect
import csv
import gzip
import hashlib
import logging
import os
import pickle
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import normalize
from .results import SAME_PLACE_KM, GeocodeResult, Match, distance_km

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
EXTRACT_PATH = PACKAGE_DIR / "data" / "geonames_extract.tsv.gz"
ADMIN1_PATH = PACKAGE_DIR / "data" / "admin1_names.tsv"
SUPPLEMENT_PATH = REPO_DIR / "fixtures" / "gazetteer_supplement.csv"
INDEX_FORMAT = 2  # bump when the Gazetteer's pickled attributes change

SCORE_NAME = 1.00
SCORE_ALIAS = 0.95
SCORE_ARTICLE = 0.90
SCORE_PHONETIC = 0.85
SCORE_FUZZY_MAX = 0.80
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0–100) on phonetic keys, with the same consonants
FUZZY_CLOSE = 90.0  # at or above this, one consonant may differ
FUZZY_WRITTEN_CUTOFF = 70.0  # rapidfuzz ratio of the article-less spellings as written
AMBIGUITY_FACTOR = 0.85


@dataclass(frozen=True, slots=True)
class Entry:
    """One place of the gazetteer."""

    source: str  # "geonames:2212775" or "supplement:al-fuqaha"
    name: str
    country: str
    admin1: str
    lat: float
    lon: float
    population: int


class Gazetteer:
    def __init__(self, entries: list[Entry], names: list[tuple[str, ...]]):
        """``names[i]`` are entry i's spellings, its own name first."""
        self.entries = entries
        self.names = names
        # key → encoded candidates: idx * 2 for the place's own name, idx * 2 + 1 for an alias;
        # a bare int when the key has one candidate (most do: saves a list per key).
        self.exact: dict[str, int | list[int]] = {}
        self.article: dict[str, int | list[int]] = {}
        self.phonetic: dict[str, int | list[int]] = {}
        intern = sys.intern  # equal keys of the three indexes share one string
        for idx, spellings in enumerate(names):
            for position, spelling in enumerate(spellings):
                code = idx * 2 + (1 if position else 0)
                exact, article, phonetic = normalize.keys(spelling)
                if not exact:
                    continue
                _add(self.exact, intern(exact), code)
                _add(self.article, intern(article), code)
                _add(self.phonetic, intern(phonetic), code)
        self._skeletons: tuple[dict[str, list[str]], dict[str, str]] | None = None
        self._prefix: tuple[list[str], list[list[int]]] | None = None
        self._lock = threading.Lock()
        self.load_seconds = 0.0
        self.loaded_from = ""

    def __len__(self) -> int:
        return len(self.entries)

    # ---- lookup -----------------------------------------------------------------------------

    def geocode(
        self,
        query: str,
        country: str | None = None,
        countries: list[str] | tuple[str, ...] | None = None,
        max_alternatives: int = 5,
    ) -> GeocodeResult:
        """Best match for ``query``; ``country`` is a strict ISO2 hint, ``countries`` a soft one."""
        query = (query or "").strip()
        country = (country or "").strip().upper()
        result = GeocodeResult(query=query, country=country)
        if not normalize.exact_key(query):
            result.error = "empty place name" if not query else f"{query!r} has no letters to match"
            return result
        if country:
            allowed = frozenset({country})
        elif countries:
            allowed = frozenset(c.upper() for c in countries if c)
        else:
            allowed = None
        candidates = self._candidates(query, allowed)
        if not candidates and allowed and not country:
            candidates = self._candidates(query, None)
            if candidates:
                result.note = "no match in " + ", ".join(sorted(allowed)) + "; searched everywhere"
        if not candidates:
            if country:
                elsewhere = self._candidates(query, None)
                result.error = f"no place named {query!r} in {country}"
                result.alternatives = self._distinct(elsewhere)[: min(3, max_alternatives)]
                if result.alternatives:
                    result.error += " (found in other countries)"
            else:
                result.error = f"no place matches {query!r}"
            return result
        places = self._distinct(candidates)
        best, others = places[0], places[1:]
        result.best = best
        result.alternatives = others[:max_alternatives]
        tied = [other for other in others if other.score >= best.score]
        result.ambiguous = bool(tied)
        for match in [best, *tied] if tied else []:
            match.score = round(match.score * AMBIGUITY_FACTOR, 3)
        return result

    def suggest(self, text: str, country: str | None = None, countries=None, limit: int = 8) -> list[Match]:
        """Matches for a partly typed name: whole-name matches first, then prefix matches.

        ``country`` restricts the suggestions; ``countries`` (a province's) only narrows them
        when something matches there.
        """
        text = (text or "").strip()
        country = (country or "").strip().upper() or None
        if len(normalize.exact_key(text)) < 2:
            return []
        if country:
            allowed = frozenset({country})
        elif countries:
            allowed = frozenset(c.upper() for c in countries if c)
            if not self._candidates(text, allowed) and not self._prefix_candidates(text, 1, allowed):
                allowed = None
        else:
            allowed = None
        found = self._distinct(self._candidates(text, allowed))
        seen = {m.source for m in found}
        typed = normalize.stripped_key(text)
        hinted = frozenset({country}) if country else frozenset(c.upper() for c in countries or () if c)
        prefix_matches = []
        for idx, key in self._prefix_candidates(text, limit * 20, allowed):
            entry = self.entries[idx]
            if entry.source in seen:
                continue
            seen.add(entry.source)
            match = self._match(idx, SCORE_PHONETIC * 0.9, self.names[idx][0], "prefix")
            # A name that starts with the letters typed beats one that only sounds like it does
            # ("Sab" → Sabha, not Cape Town through a phonetic key), in the hinted country first.
            written = any(normalize.stripped_key(name).startswith(typed) for name in self.names[idx])
            rank = (entry.country not in hinted, not written, len(key), -entry.population)
            prefix_matches.append((rank, match))
        # Then the shortest completion of what was typed ("El Fo" → Foqaha before Fort Leclerc).
        prefix_matches.sort(key=lambda item: item[0])
        return (found + [match for _, match in prefix_matches])[:limit]

    def warm(self) -> None:
        """Build the prefix index now (≈ 2 s) rather than on the first suggestion an editor waits for."""
        self._prefix_candidates("", 0)

    # ---- internals --------------------------------------------------------------------------

    def _candidates(self, query: str, allowed: frozenset | None) -> list[Match]:
        """Candidates of the first tier group that has any in the allowed countries.

        Name, alias and article-less matches form one group (a city matched through an alias
        still beats a hamlet of the exact name when it is bigger: "Ar Ramadi" is Ramadi, Iraq,
        not Ar Ramādī, Yemen — and the answer says the name is ambiguous); phonetic matches come
        next, fuzzy ones last.
        """
        exact, article, phonetic = normalize.keys(query)
        # A short name ("Foo" ~ "Fu") sounds like something somewhere: phonetic matches of
        # fewer than 4 letters only count within given countries.
        phonetic_codes = _codes(self.phonetic, phonetic) if allowed or len(phonetic) >= 4 else ()
        groups = (
            (
                (_codes(self.exact, exact), "exact"),
                (_codes(self.article, article), "article"),
            ),
            ((phonetic_codes, "phonetic"),),
        )
        for group in groups:
            matches: dict[int, Match] = {}
            for codes, tier in group:
                for code in codes:
                    idx, is_alias = divmod(code, 2)
                    if allowed and self.entries[idx].country not in allowed:
                        continue
                    if tier == "exact":
                        score, how = (SCORE_ALIAS, "alias") if is_alias else (SCORE_NAME, "name")
                    elif tier == "article":
                        score, how = SCORE_ARTICLE, "article"
                    else:
                        score, how = SCORE_PHONETIC, "phonetic"
                    if idx not in matches or matches[idx].score < score:
                        matches[idx] = self._match(idx, score, self._spelling(idx, tier, query), how)
            if matches:
                return list(matches.values())
        return self._fuzzy(phonetic, article, allowed)

    def _spelling(self, idx: int, tier: str, query: str) -> str:
        """The stored spelling behind a key match (for 'matched' in the answer)."""
        key_fn = {
            "exact": normalize.exact_key,
            "article": normalize.stripped_key,
            "phonetic": normalize.phonetic_key,
        }[tier]
        wanted = key_fn(query)
        for spelling in self.names[idx]:
            if key_fn(spelling) == wanted:
                return spelling
        return self.names[idx][0]

    def _fuzzy(self, phonetic: str, stripped: str, allowed: frozenset | None) -> list[Match]:
        """Phonetic keys close to the query's, among those with (nearly) the same consonants.

        Similar letters are not enough ("Notaplace" ~ "Norrtälje"): the consonant skeletons must
        agree — all of them, or all but one for a very close spelling (≥ 90 %). So only keys
        whose skeleton is within one edit of the query's are compared: a few hundred dictionary
        probes instead of a scan of every key.
        """
        if len(phonetic) < 4:
            return []  # too short for edit similarity to mean anything
        from rapidfuzz import fuzz

        skeletons, alphabets = self._skeleton_index()
        skeleton = normalize.skeleton(phonetic)
        alphabet = alphabets["arabic" if normalize.is_arabic(skeleton) else "latin"]
        scored: list[tuple[float, str]] = []
        # Worldwide (no country to search in) a loose guess is more often another town than a
        # misspelling: only very close spellings with the same consonants count there.
        nears = _one_edit_away(skeleton, alphabet) if allowed else {skeleton}
        for near in nears:
            required = FUZZY_CUTOFF if near == skeleton and allowed else FUZZY_CLOSE
            for key in skeletons.get(near, ()):
                similarity = fuzz.ratio(phonetic, key)
                if similarity >= required:
                    scored.append((similarity, key))
        scored.sort(reverse=True)
        matches: dict[int, Match] = {}
        for similarity, key in scored[:25]:
            score = SCORE_FUZZY_MAX * similarity / 100
            for code in _codes(self.phonetic, key):
                idx = code // 2
                if allowed and self.entries[idx].country not in allowed:
                    continue
                spelling = next((s for s in self.names[idx] if normalize.phonetic_key(s) == key), self.names[idx][0])
                # …and the spelling as written must still look alike ("Gotham" is not "Cotiaeum").
                if fuzz.ratio(stripped, normalize.stripped_key(spelling)) < FUZZY_WRITTEN_CUTOFF:
                    continue
                if idx not in matches or matches[idx].score < score:
                    matches[idx] = self._match(idx, score, spelling, "fuzzy")
        return list(matches.values())

    def _skeleton_index(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Consonant skeleton → phonetic keys, and the skeletons' letters per script (built on first use)."""
        with self._lock:
            if self._skeletons is None:
                index: dict[str, list[str]] = {}
                for key in self.phonetic:
                    index.setdefault(normalize.skeleton(key), []).append(key)
                letters = set("".join(index))
                arabic = "".join(sorted(ch for ch in letters if normalize.is_arabic(ch)))
                latin = "".join(sorted(letters - set(arabic)))
                self._skeletons = (index, {"arabic": arabic, "latin": latin})
            return self._skeletons

    def _prefix_candidates(self, text: str, limit: int, allowed: frozenset | None = None) -> list[tuple[int, str]]:
        """(entry index, completed key) for keys starting with what was typed, shortest key kept."""
        with self._lock:
            if self._prefix is None:
                merged: dict[str, set[int]] = {}
                for index in (self.article, self.phonetic):
                    for key, value in index.items():
                        codes = [value] if isinstance(value, int) else value
                        merged.setdefault(key, set()).update(c // 2 for c in codes)
                keys = sorted(merged)
                self._prefix = (keys, [sorted(merged[k]) for k in keys])
        keys, idxs = self._prefix
        found: dict[int, str] = {}
        for prefix in dict.fromkeys((normalize.stripped_key(text), normalize.phonetic_key(text))):
            start = bisect.bisect_left(keys, prefix)
            for position in range(start, len(keys)):
                key = keys[position]
                if not key.startswith(prefix) or len(found) >= limit:
                    break
                for i in idxs[position]:
                    if (not allowed or self.entries[i].country in allowed) and len(key) < len(found.get(i, key + " ")):
                        found[i] = key
        return list(found.items())

    def _match(self, idx: int, score: float, matched: str, how: str) -> Match:
        entry = self.entries[idx]
        return Match(
            name=entry.name,
            country=entry.country,
            admin1=entry.admin1,
            lat=entry.lat,
            lon=entry.lon,
            score=score,
            source=entry.source,
            population=entry.population,
            matched=matched,
            how=how,
        )

    @staticmethod
    def _distinct(matches: list[Match]) -> list[Match]:
        """Best first; candidates within 25 km of a better one dropped.

        Key matches (score > fuzzy) rank by population, then score: the group they come from
        already says the name fits. Fuzzy matches rank by similarity first.
        """
        ordered = sorted(
            matches,
            key=lambda m: (
                (-m.population, -m.score, m.source)
                if m.score > SCORE_FUZZY_MAX
                else (-m.score, -m.population, m.source)
            ),
        )
        kept: list[Match] = []
        for match in ordered:
            if all(distance_km(match.lat, match.lon, k.lat, k.lon) > SAME_PLACE_KM for k in kept):
                kept.append(match)
        return kept


def _add(index: dict, key: str, code: int) -> None:
    if not key:
        return
    codes = index.get(key)
    if codes is None:
        index[key] = code
    elif isinstance(codes, int):
        if codes != code:
            index[key] = [codes, code]
    elif code not in codes:
        codes.append(code)


def _one_edit_away(word: str, alphabet: str) -> set[str]:
    """The word and every string one deletion, substitution or insertion away from it."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {word}
    found.update(left + right[1:] for left, right in splits if right)
    found.update(left + ch + right[1:] for left, right in splits if right for ch in alphabet)
    found.update(left + ch + right for left, right in splits for ch in alphabet)
    return found


def _codes(index: dict, key: str) -> tuple[int, ...] | list[int]:
    value = index.get(key, ())
    return (value,) if isinstance(value, int) else value


# ---- loading --------------------------------------------------------------------------------


def read_admin1_names(path: Path = ADMIN1_PATH) -> dict[str, str]:
    names = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t")[:2]
            names[code] = name
    return names


def read_extract(path: Path = EXTRACT_PATH, admin1_names: dict[str, str] | None = None):
    admin1_names = admin1_names if admin1_names is not None else read_admin1_names()
    entries, names = [], []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            geonameid, name, country, admin1, lat, lon, population, aliases = line.rstrip("\n").split("\t")
            entries.append(
                Entry(
                    source=f"geonames:{geonameid}",
                    name=name,
                    country=country,
                    admin1=admin1_names.get(f"{country}.{admin1}", ""),
                    lat=float(lat),
                    lon=float(lon),
                    population=int(population),
                )
            )
            names.append((name, *aliases.split("|")) if aliases else (name,))
    return entries, names


class SupplementError(ValueError):
    pass


def read_supplement(path: Path = SUPPLEMENT_PATH):
    """The curated CSV: every row needs a name, a country, coordinates and their source."""
    entries, names = [], []
    if not path.exists():
        return entries, names
    with path.open(encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (TypeError, ValueError):
                raise SupplementError(f"{path.name} row {line_no}: latitude/longitude must be numbers") from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise SupplementError(f"{path.name} row {line_no}: coordinates out of range")
            for column in ("id", "name", "country", "source"):
                if not (row.get(column) or "").strip():
                    raise SupplementError(f"{path.name} row {line_no}: {column} is required")
            entries.append(
                Entry(
                    source=f"supplement:{row['id'].strip()}",
                    name=row["name"].strip(),
                    country=row["country"].strip().upper(),
                    admin1=(row.get("admin1") or "").strip(),
                    lat=lat,
                    lon=lon,
                    population=int(row.get("population") or 0),
                )
            )
            spellings = [row["name"].strip()]
            if (row.get("name_ar") or "").strip():
                spellings.append(row["name_ar"].strip())
            spellings += [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            names.append(tuple(spellings))
    return entries, names


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256(f"{INDEX_FORMAT}:{normalize.KEY_VERSION}:{sys.version_info[:2]}".encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    return Path(os.environ.get("IPWATCH_GEOCODE_CACHE_DIR") or REPO_DIR / "var" / "cache")


def build(supplement_path: Path = SUPPLEMENT_PATH) -> Gazetteer:
    entries, names = read_extract()
    extra_entries, extra_names = read_supplement(supplement_path)
    return Gazetteer(entries + extra_entries, names + extra_names)


def load(cache_dir: Path | None = None, supplement_path: Path = SUPPLEMENT_PATH, use_cache: bool = True) -> Gazetteer:
    """Build the gazetteer, or unpickle the index a previous process cached for the same data."""
    started = time.perf_counter()
    cache_dir = cache_dir or default_cache_dir()
    fingerprint = _fingerprint([EXTRACT_PATH, ADMIN1_PATH, supplement_path])
    cache_path = cache_dir / f"gazetteer-{fingerprint}.pickle"
    gazetteer = None
    if use_cache and cache_path.exists():
        try:
            with cache_path.open("rb") as fh:
                gazetteer = pickle.load(fh)  # noqa: S301 — our own index file, written by _write_cache
            gazetteer.loaded_from = "cache"
        except Exception as exc:  # a truncated or foreign file: rebuild it
            logger.warning("ignoring unreadable gazetteer cache %s: %s", cache_path, exc)
            gazetteer = None
    if gazetteer is not None and gazetteer._prefix is None:  # a cache written before the prefix index was kept
        gazetteer.warm()
        if use_cache:
            _write_cache(gazetteer, cache_dir, cache_path)
    if gazetteer is None:
        gazetteer = build(supplement_path)
        gazetteer.warm()
        gazetteer.loaded_from = "data files"
        if use_cache:
            _write_cache(gazetteer, cache_dir, cache_path)
    gazetteer.load_seconds = time.perf_counter() - started
    return gazetteer


def _write_cache(gazetteer: Gazetteer, cache_dir: Path, cache_path: Path) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for stale in cache_dir.glob("gazetteer-*.pickle"):
            stale.unlink(missing_ok=True)
        tmp = cache_path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(gazetteer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_path)
    except OSError as exc:  # read-only checkout: work without the cache
        logger.warning("could not write gazetteer cache %s: %s", cache_path, exc)


def _state_without_lock(self):
    state = self.__dict__.copy()
    state.pop("_lock", None)
    state["_skeletons"] = None
    return state  # the prefix index is kept: suggestions answer at once in a new process


def _restore_lock(self, state):
    self._prefix = None
    self.__dict__.update(state)
    self._skeletons = None
    self._lock = threading.Lock()


Gazetteer.__getstate__ = _state_without_lock
Gazetteer.__setstate__ = _restore_lock

_instance: Gazetteer | None = None
_instance_lock = threading.Lock()


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use."""
    global _instance
    if _instance is None:
        with _instance_lock:
            if _instance is None:
                _instance = load()
    return _instance
