"""Activity on the timeline: ``kind=`` and ``group=kind`` on /api/timeline.json and /timeline/.

Without ``kind`` the timeline counts attacks only, exactly as before. With it, the records of the
dated kinds (media releases, designations, arrests, legal cases, pledges, leadership events) are
counted with the attacks in the same periods and bands (one GROUP BY query per table), grouped by
province, by kind (``group=kind``), or by type (an incident type for attacks, the kind for the rest).
Territory is not an event but a period: it comes back as ``spans`` (held from … until …, each end at
its own precision, an unknown start open), never in the bars. So, for the records that match::

    sum(points) + sum(uncertain) + len(spans) == total
"""

from django.db.models import F, IntegerField, Value
from django.db.models.functions import Cast

from ipwatch.core.dates import period_end, period_label

from .choices import ActivityKind
from .filters import ActivityFilterSet, parse_kinds
from .models import Activity


def requested_kinds(params) -> list[str]:
    """The kinds asked for; attacks only when ``kind`` is not given (the timeline's historic default)."""
    if not any(value.strip() for value in params.getlist("kind")):
        return [ActivityKind.ATTACK]
    return parse_kinds(params)


def timeline_querysets(params, incidents, group: str):
    """([querysets counted in the bars], territory queryset or None) for the published records that
    match ``params`` (already validated by the timeline's own parsing, except ``kind``)."""
    kinds = requested_kinds(params)
    counted = []
    if ActivityKind.ATTACK in kinds:
        counted.append(incidents.annotate(kind=Value(ActivityKind.ATTACK)) if group == "kind" else incidents)
    others = [kind for kind in kinds if kind != ActivityKind.ATTACK]
    if not others:
        return counted, None
    activity = ActivityFilterSet(params, queryset=Activity.objects.published()).qs
    dated = [kind for kind in others if kind != ActivityKind.TERRITORY]
    if dated:
        no_figure = Cast(Value(None), IntegerField())  # no casualty figures: nothing is added to the sums
        extra = {"killed_best": no_figure, "wounded_best": no_figure}
        if group == "type":
            extra["incident_type"] = F("kind")
        counted.append(activity.of_kind(dated).annotate(**extra))
    territory = activity.of_kind(ActivityKind.TERRITORY) if ActivityKind.TERRITORY in others else None
    return counted, territory


def territory_spans(queryset, granularity: str) -> list[dict]:
    spans = []
    for record in queryset.select_related("place", "province").order_by("date", "end_date", "id"):
        until = period_end(record.end_date, record.end_date_precision) if record.end_date else None
        spans.append(
            {
                "id": record.pk,
                "title": record.title,
                "place": record.place.name if record.place_id else None,
                "province": record.province.slug if record.province_id else None,
                "since": record.date.isoformat() if record.date else None,
                "since_precision": record.date_precision if record.date else None,
                "until": until.isoformat() if until else None,
                "until_precision": record.end_date_precision or None,
                "display": record.period_display,
                "first_period": period_label(record.date, granularity) if record.date else None,
                "last_period": period_label(until, granularity) if until else None,
                "url": record.get_absolute_url(),
            }
        )
    return spans


def add_activity(payload: dict, territory) -> dict:
    """Territory spans into a payload built by build_timeline (an empty list when asked for and none match)."""
    if territory is not None:
        payload["spans"] = territory_spans(territory, payload["granularity"])
        payload["total"] += len(payload["spans"])
    return payload
