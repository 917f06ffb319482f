from django import template

from ipwatch.core.dates import format_at_precision

register = template.Library()


@register.filter
def date_at_precision(value, precision="day"):
    """{{ incident.date|date_at_precision:incident.date_precision }} → "Oct 2018" for month precision."""
    return format_at_precision(value, precision)
