"""Timeline request parameters: `granularity`, `group`, plus every shared incident filter."""

from dataclasses import dataclass

from ipwatch.core.dates import GRANULARITIES
from ipwatch.core.filters import IncidentFilterSet, InvalidFilter, error_messages

from .aggregation import GROUPS, PROVINCE

AUTO = "auto"


@dataclass
class TimelineRequest:
    queryset: object  # the filtered, published-only incident queryset
    granularity: str | None  # None: chosen from the date span
    group: str
    cleaned: dict  # the filter form's cleaned values (since, until, province…)
    filterset: IncidentFilterSet

    @property
    def province_slugs(self) -> list[str]:
        return [province.slug for province in self.cleaned.get("province") or []]


def _choice(params, name: str, allowed: tuple[str, ...], default: str | None, errors: dict) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return default
    if value not in allowed:
        errors[name] = f"{name} must be one of {', '.join(allowed)} (got {value!r})"
        return default
    return value


def parse_timeline_request(params, queryset, *, granularities=(*GRANULARITIES, AUTO)) -> TimelineRequest:
    """Validate everything at once; raise InvalidFilter naming every bad parameter."""
    errors: dict[str, str] = {}
    granularity = _choice(params, "granularity", granularities, None, errors)
    if granularity == AUTO:
        granularity = None
    group = _choice(params, "group", GROUPS, PROVINCE, errors)
    filterset = IncidentFilterSet(params, queryset=queryset)
    if not filterset.is_valid():
        errors.update(error_messages(filterset))
    if errors:
        raise InvalidFilter(errors)
    return TimelineRequest(
        queryset=filterset.qs,
        granularity=granularity,
        group=group,
        cleaned=filterset.form.cleaned_data,
        filterset=filterset,
    )
