from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_link(current, key, label):
    """Column header link toggling between descending and ascending, with aria-sort on the th."""
    descending = f"-{key}"
    if current == descending:
        target, state, arrow = key, "descending", " ▼"
    elif current == key:
        target, state, arrow = descending, "ascending", " ▲"
    else:
        target, state, arrow = descending, "none", ""
    return {"target": target, "state": state, "arrow": arrow, "label": label}


@register.filter
def trend_class(window):
    return {"up": "trend-up", "down": "trend-down"}.get(window.trend, "trend-flat")


@register.simple_tag
def badge(text, css=""):
    return format_html('<span class="badge {}">{}</span>', css, text)


@register.filter
def latitude(value):
    return "" if value is None else f"{abs(value):.4f}° {'N' if value >= 0 else 'S'}"


@register.filter
def longitude(value):
    return "" if value is None else f"{abs(value):.4f}° {'E' if value >= 0 else 'W'}"
