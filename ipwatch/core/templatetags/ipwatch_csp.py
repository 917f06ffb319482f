import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ipwatch.core.csp import add_csp_nonce

register = template.Library()


@register.filter
def with_csp_nonce(html, nonce):
    """{{ map_html|with_csp_nonce:request.csp_nonce }}: trusted, already-rendered HTML (folium's)
    with this response's CSP nonce on its inline <script>/<style> tags. Never for user text."""
    return mark_safe(add_csp_nonce(str(html), nonce))  # noqa: S308 - input is our own rendered HTML


HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@register.simple_tag
def color_swatch(color):
    """{% color_swatch province.color %}: a decorative colour dot without a style="" attribute (which
    the CSP blocks): an SVG whose fill is a presentation attribute. Not #rrggbb → neutral grey."""
    fill = color if isinstance(color, str) and HEX_COLOR.fullmatch(color) else "#9e9e9e"
    return format_html(
        '<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
        '<rect width="10" height="10" fill="{}"/></svg>',
        fill,
    )
