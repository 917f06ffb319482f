from django import template
from django.utils.safestring import mark_safe

from ipwatch.core.csp import add_csp_nonce

register = template.Library()


@register.filter
def with_csp_nonce(html, nonce):
    """{{ map_html|with_csp_nonce:request.csp_nonce }}: trusted, already-rendered HTML (folium's)
    with this response's CSP nonce on its inline <script>/<style> tags. Never for user text."""
    return mark_safe(add_csp_nonce(str(html), nonce))  # noqa: S308 - input is our own rendered HTML
