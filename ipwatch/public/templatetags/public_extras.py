from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def figure_range(low, best, high):
    """ "7 (5–9)": the best estimate with its range; "5–9" without one; "—" when nothing is known."""
    if best is None and low is None and high is None:
        return "—"
    if best is None:
        if low is not None and high is not None and low != high:
            return f"{low}–{high}"
        return f"{low if low is not None else high}"
    if low is not None and high is not None and (low, high) != (best, best):
        return f"{best} ({low}–{high})"
    if low is not None and low != best:
        return f"{best} (at least {low})"
    if high is not None and high != best:
        return f"{best} (up to {high})"
    return f"{best}"


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
