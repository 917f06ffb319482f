"""Claimed vs independently reported casualties, per incident, per province and period, and per campaign.

Method (also written on /claims/):
- A report with ``is_claim`` is the group's own claim (Amaq, Al Naba…); any other report is
  independent reporting. An incident is *compared* when at least one claim and at least one
  independent report give a casualty figure.
- For each side the highest figure any of its reports gives is taken, per category (killed,
  wounded, combined "killed or wounded"): reports of one incident overlap, so they are not added.
- Like for like only. A combined "killed or wounded" claim is measured only against an independent
  total whose killed *and* wounded are both known (or an independent combined figure). A claim with
  separate figures is measured on the categories both sides give (killed vs killed, …). An unknown
  figure is never taken as zero.
- Otherwise the two sides are shown without a ratio; when the independent side gives part of the
  combined figure (killed only, wounded unknown) the page states the *bound* ("at most 16×": the
  independent total is at least the known part), labelled as such and never added to the totals.
- Ratio = claimed ÷ independently reported, shown only when the independent figure is above zero.
  Independent figures are usually minimums, so a ratio is an upper bound on the exaggeration.
- Period and province totals add the like-for-like comparisons only.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q

from ipwatch.core.dates import as_date, period_label
from ipwatch.core.models import Campaign, Report

from . import rollup
from .aggregation import (
    NO_PROVINCE_KEY,
    NO_PROVINCE_LABEL,
    Placement,
    _province_groups,
    band_precision,
    period_bucket,
    place_in_period,
)

FIGURES = ("killed", "wounded", "killed_or_wounded")


@dataclass
class Side:
    """One side's (claim or independent) highest figures for an incident."""

    killed: int | None = None
    wounded: int | None = None
    killed_or_wounded: int | None = None

    @property
    def only_combined(self) -> bool:
        return self.killed_or_wounded is not None and self.killed is None and self.wounded is None

    @property
    def combined_total(self) -> int | None:
        """Killed + wounded when both are known (else the combined figure, if given); None otherwise."""
        if self.killed is not None and self.wounded is not None:
            return self.killed + self.wounded
        return self.killed_or_wounded

    def describe(self) -> str:
        parts = []
        if self.killed is not None:
            parts.append(f"{self.killed} killed")
        if self.wounded is not None:
            parts.append(f"{self.wounded} wounded")
        if self.killed_or_wounded is not None:
            parts.append(f"{self.killed_or_wounded} killed or wounded (one combined figure)")
        if parts and self.killed_or_wounded is None and (self.killed is None) != (self.wounded is None):
            parts.append(f"{'wounded' if self.wounded is None else 'killed'} not reported")
        return ", ".join(parts) or "no figure"


@dataclass
class Measure:
    """What is compared: claimed and independent values of the same quantity, or why nothing is."""

    basis: str
    claimed: int | None = None
    independent: int | None = None
    bound: bool = False  # the independent value is only a lower bound of the quantity claimed

    @property
    def comparable(self) -> bool:
        return self.claimed is not None and self.independent is not None and not self.bound


def measure(claim: Side, independent: Side) -> Measure:
    """Like for like: the quantity both sides give, never an unknown taken as zero."""
    if claim.only_combined:
        total = independent.combined_total
        if total is not None:
            return Measure("killed or wounded vs independent killed + wounded", claim.killed_or_wounded, total)
        known = [value for value in (independent.killed, independent.wounded) if value is not None]
        if known:
            missing = "wounded" if independent.wounded is None else "killed"
            return Measure(
                f"combined claim vs independent figure with {missing} unknown (a bound, not a ratio)",
                claim.killed_or_wounded,
                sum(known),
                bound=True,
            )
        return Measure("not comparable")
    pairs = [
        (name, getattr(claim, name), getattr(independent, name))
        for name in ("killed", "wounded")
        if getattr(claim, name) is not None and getattr(independent, name) is not None
    ]
    if not pairs:
        if claim.combined_total is not None and independent.killed_or_wounded is not None:
            return Measure(
                "killed + wounded vs independent killed or wounded",
                claim.combined_total,
                independent.killed_or_wounded,
            )
        return Measure("not comparable: the two sides give different categories")
    names = " + ".join(name for name, _, _ in pairs)
    return Measure(
        f"claimed {names} vs independent {names}",
        sum(value for _, value, _ in pairs),
        sum(value for _, _, value in pairs),
    )


@dataclass
class Comparison:
    incident: object
    claim: Side
    independent: Side
    period: str = ""
    province_key: str = ""
    province_label: str = ""

    @functools.cached_property
    def measure(self) -> Measure:
        return measure(self.claim, self.independent)

    @property
    def comparable(self) -> bool:
        return self.measure.comparable

    @property
    def ratio(self) -> float | None:
        """Claimed ÷ independent for a like-for-like comparison; for a bound, the upper bound."""
        m = self.measure
        if m.claimed is None or not m.independent:
            return None
        return m.claimed / m.independent

    @property
    def basis(self) -> str:
        return self.measure.basis


@dataclass
class ProvincePeriodRow:
    province_key: str
    province_label: str
    period: str
    sort_key: tuple
    claimed_incidents: int = 0
    synthetic_claimed: int = 0  # generated test data, labelled on the page
    compared_incidents: int = 0
    synthetic_compared: int = 0
    claimed_casualties: int = 0
    independent_casualties: int = 0
    not_comparable: int = 0  # both sides gave figures, but not of the same quantity
    comparisons: list = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if not self.compared_incidents or self.independent_casualties <= 0:
            return None
        return self.claimed_casualties / self.independent_casualties


def _annotate_sides(queryset):
    """Highest claimed and independent figure per category, one GROUP BY over the reports join."""
    annotations = {}
    for figure in FIGURES:
        annotations[f"claim_{figure}"] = Max(f"reports__{figure}", filter=Q(reports__is_claim=True))
        annotations[f"independent_{figure}"] = Max(f"reports__{figure}", filter=Q(reports__is_claim=False))
    return queryset.annotate(**annotations)


def _gives_a_figure(prefix: str = "") -> Q:
    """At least one of the figures is known: a report's own (``killed``…), or the side's annotations
    with ``prefix`` (``claim_killed``…)."""
    known = Q()
    for figure in FIGURES:
        known |= Q(**{f"{prefix}{figure}__isnull": False})
    return known


def _period_of(precision: str, date: dt.date, granularity: str) -> str:
    placement = place_in_period(precision, date, granularity)
    if placement.uncertain:
        return f"{period_label(placement.start, placement.uncertain)} ({placement.uncertain} only)"
    return period_label(placement.start, granularity)


# Above this many compared incidents the ids are not sent as query parameters (SQLite allows
# 32,766 in one statement); the candidates are then found with EXISTS, slower on PostgreSQL but
# bounded.
MAX_LISTED_IDS = 10_000


def _reports_with_figures(is_claim: bool):
    return Report.objects.filter(_gives_a_figure(), incident=OuterRef("pk"), is_claim=is_claim)


def _both_sides_reported():
    """Ids of the incidents that have a claim and an independent report giving a figure: the
    reports alone, intersected (far fewer rows than the incidents they would be joined to)."""
    with_figures = Report.objects.filter(_gives_a_figure()).order_by().values_list("incident_id", flat=True)
    return with_figures.filter(is_claim=True).intersection(with_figures.filter(is_claim=False))


def compare_claims(queryset, granularity: str = "year") -> list[Comparison]:
    """Incidents with both a claimed and an independent casualty figure (three queries: the
    candidates' ids, the incidents, their reports).

    Only the compared incidents reach the GROUP BY over their reports. The ids are read first, as a
    list: as a subquery PostgreSQL cannot tell how few they are and scans every incident (100k
    records: ~0.15 s instead of a few ms).
    """
    ids = list(_both_sides_reported()[: MAX_LISTED_IDS + 1])
    if len(ids) > MAX_LISTED_IDS:
        both = Exists(_reports_with_figures(True)), Exists(_reports_with_figures(False))
        candidates = queryset.order_by().filter(*both)
    else:
        candidates = queryset.order_by().filter(pk__in=ids)
    rows = (
        _annotate_sides(candidates)
        .filter(_gives_a_figure("claim_"))
        .filter(_gives_a_figure("independent_"))
        .select_related("province", "place")
        .prefetch_related(Prefetch("reports", queryset=Report.objects.select_related("source")))
        .order_by("date", "id")
    )
    comparisons = []
    for incident in rows:
        claim = Side(*(getattr(incident, f"claim_{figure}") for figure in FIGURES))
        independent = Side(*(getattr(incident, f"independent_{figure}") for figure in FIGURES))
        province = incident.province
        comparisons.append(
            Comparison(
                incident=incident,
                claim=claim,
                independent=independent,
                period=_period_of(incident.date_precision, incident.date, granularity),
                province_key=province.slug if province else NO_PROVINCE_KEY,
                province_label=province.name if province else NO_PROVINCE_LABEL,
            )
        )
    return comparisons


def _claimed_rows(queryset, granularity: str) -> list[dict]:
    return list(
        queryset.order_by()
        .claimed()
        .annotate(bucket=period_bucket(granularity), band=band_precision(granularity))
        .values("bucket", "band", "province_id")
        .annotate(n=Count("id"), synthetic=Count("id", filter=Q(is_synthetic=True)))
    )


def _claimed_rows_from_rollup(cells, granularity: str) -> list[dict]:
    """The same rows from the rollup's cells, added up per (period, band, province) here: on SQLite
    ``placed`` gives a row per cell (thousands at 100k records) for a few hundred distinct keys."""
    placed = cells.filter(claimed__gt=0).placed(granularity, "province_id", ("claimed", "claimed_synthetic"))
    sums: dict[tuple, list[int]] = {}
    for bucket, band, province, n, synthetic in placed:
        key = (bucket, band or "", province or None)
        found = sums.get(key)
        if found is None:
            sums[key] = [n, synthetic]
        else:
            found[0] += n
            found[1] += synthetic
    return [
        {"bucket": bucket, "band": band, "province_id": province, "n": n, "synthetic": synthetic}
        for (bucket, band, province), (n, synthetic) in sums.items()
    ]


def claimed_counts(queryset, granularity: str, cleaned: dict | None = None) -> dict[tuple[str, str], dict]:
    """Claimed incidents per (province, period), counted in the database (two queries; three when
    the published-attack rollup answers ``cleaned`` and dates cut through a week: see timeline.rollup)."""
    querysets = rollup.attack_querysets(queryset, cleaned, "province") if cleaned is not None else None
    if querysets is None:
        rows = _claimed_rows(queryset, granularity)
    else:
        cells, *edges = querysets
        rows = _claimed_rows_from_rollup(cells, granularity)
        for edge in edges:
            rows += _claimed_rows(edge, granularity)
    provinces = _province_groups(row["province_id"] for row in rows)  # one small query, no join
    counts: dict[tuple[str, str], dict] = {}
    for row in rows:
        placement = Placement(as_date(row["bucket"]), uncertain=row["band"] or None)
        if placement.uncertain:
            period = f"{period_label(placement.start, placement.uncertain)} ({placement.uncertain} only)"
        else:
            period = period_label(placement.start, granularity)
        province_key, label, _ = provinces[row["province_id"]]
        entry = counts.setdefault(
            (province_key, period), {"label": label, "n": 0, "synthetic": 0, "start": placement.start}
        )
        entry["n"] += row["n"]
        entry["synthetic"] += row["synthetic"]
    return counts


def province_period_table(
    queryset, granularity: str = "year", cleaned: dict | None = None
) -> tuple[list[ProvincePeriodRow], list[Comparison]]:
    """``cleaned``: the filters' cleaned values, when the claimed counts may come from the rollup."""
    comparisons = compare_claims(queryset, granularity)
    rows: dict[tuple[str, str], ProvincePeriodRow] = {}
    for (key, period), entry in claimed_counts(queryset, granularity, cleaned).items():
        rows[(key, period)] = ProvincePeriodRow(
            key,
            entry["label"],
            period,
            (entry["label"].lower(), entry["start"], period),
            claimed_incidents=entry["n"],
            synthetic_claimed=entry["synthetic"],
        )
    for comparison in comparisons:
        row_key = (comparison.province_key, comparison.period)
        if row_key not in rows:
            incident = comparison.incident
            rows[row_key] = ProvincePeriodRow(
                comparison.province_key,
                comparison.province_label,
                comparison.period,
                (comparison.province_label.lower(), incident.date, comparison.period),
            )
        row = rows[row_key]
        row.comparisons.append(comparison)
        if not comparison.comparable:
            row.not_comparable += 1
            continue
        row.compared_incidents += 1
        row.synthetic_compared += int(comparison.incident.is_synthetic)
        row.claimed_casualties += comparison.measure.claimed
        row.independent_casualties += comparison.measure.independent
    return sorted(rows.values(), key=lambda row: row.sort_key), comparisons


def campaign_rows(queryset) -> list[dict]:
    """Each campaign's own claimed count next to the incidents recorded for it (two queries)."""
    campaigns = list(Campaign.objects.public().select_related("claim_source").order_by("-start_date", "name"))
    # campaign IN (the public campaigns' ids), not "has a campaign": it reads the few incidents of
    # those campaigns through the campaign index; "IS NOT NULL" led SQLite to walk every published row.
    recorded = {
        row["campaign"]: row
        for row in queryset.order_by()
        .filter(campaign__in=[campaign.pk for campaign in campaigns])
        .values("campaign")
        .annotate(
            incidents=Count("id"),
            countries=Count("place__country", distinct=True),
        )
    }
    result = []
    for campaign in campaigns:
        figures = recorded.get(campaign.pk, {"incidents": 0, "countries": 0})
        share = None
        if campaign.claimed_operations:
            share = 100 * figures["incidents"] / campaign.claimed_operations
        result.append(
            {
                "campaign": campaign,
                "recorded_incidents": figures["incidents"],
                "recorded_countries": figures["countries"],
                "recorded_share": share,
            }
        )
    return result


def totals(rows: list[ProvincePeriodRow]) -> dict:
    claimed = sum(row.claimed_incidents for row in rows)
    compared = sum(row.compared_incidents for row in rows)
    claimed_casualties = sum(row.claimed_casualties for row in rows)
    independent = sum(row.independent_casualties for row in rows)
    return {
        "claimed_incidents": claimed,
        "compared_incidents": compared,
        "not_comparable": sum(row.not_comparable for row in rows),
        "claimed_casualties": claimed_casualties,
        "independent_casualties": independent,
        "ratio": claimed_casualties / independent if compared and independent else None,
        "synthetic": sum(row.synthetic_claimed for row in rows) + sum(row.synthetic_compared for row in rows),
    }


__all__ = ["campaign_rows", "compare_claims", "province_period_table", "totals"]
