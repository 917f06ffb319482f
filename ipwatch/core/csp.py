"""Content-Security-Policy nonces for HTML this app did not template itself (folium output).

The policy (settings: CONTENT_SECURITY_POLICY) allows inline <script> and <style> only when they
carry this response's nonce. Our own templates write ``nonce="{{ request.csp_nonce }}"``; HTML
rendered by a library goes through :func:`add_csp_nonce` (or the ``with_csp_nonce`` template filter
in ``{% load ipwatch_csp %}``).
"""

from html import escape
from html.parser import HTMLParser

NONCE_TAGS = {"script", "style"}


class _InlineTagFinder(HTMLParser):
    """Collects (offset, tag text) of every inline <script>/<style> start tag without a nonce.

    An HTML parser, not a regular expression: script and style bodies are raw text to it, as to a
    browser, so a "<script" inside a JavaScript string is never mistaken for a tag.
    """

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        # getpos() counts lines by "\n" only (not splitlines()' other separators).
        self._line_offsets = [0]
        for line in html.split("\n"):
            self._line_offsets.append(self._line_offsets[-1] + len(line) + 1)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag not in NONCE_TAGS or "nonce" in names:
            return
        # A script with src is not given the nonce: a nonce would let a script from any origin run,
        # and external scripts must pass script-src on their origin ('self') instead.
        if tag == "script" and "src" in names:
            return
        line, column = self.getpos()
        self.found.append((self._line_offsets[line - 1] + column, self.get_starttag_text()))

    handle_startendtag = handle_starttag


def add_csp_nonce(html: str, nonce: str) -> str:
    """Return ``html`` with ``nonce="…"`` on every inline <script> and <style> start tag.

    ``nonce`` is ``request.csp_nonce`` (reading it is what puts the nonce in the response header).
    Tags that already have a nonce, and <script src=…>, are left alone.
    """
    nonce = str(nonce)
    finder = _InlineTagFinder(html)
    finder.feed(html)
    finder.close()
    pieces, position = [], 0
    for offset, tag_text in finder.found:
        name_end = 1 + len(tag_text[1:].split(None, 1)[0].rstrip("/>"))  # just after "<script"
        pieces.append(html[position : offset + name_end])
        pieces.append(f' nonce="{escape(nonce)}"')
        position = offset + name_end
    pieces.append(html[position:])
    return "".join(pieces)


# Cached responses. A response cache inside the middleware stack (ipwatch.core.cache.public_cache,
# Django's cache_page) stores the body *before* CSPMiddleware writes the header; on a cache hit the
# view does not run, no nonce is drawn, and the header would lack the nonce the cached body carries,
# so its inline scripts would be blocked. The cache calls these two functions to carry the nonce
# along. Reusing a nonce with its own, unchanged body is safe: text rendered into that body could
# not know the nonce, which was drawn at random when the body was rendered.
CACHED_NONCE_ATTRIBUTE = "ipwatch_csp_nonce"


def remember_csp_nonce(request, response):
    """Before storing ``response`` in a cache: record the nonce its body was rendered with, if any."""
    nonce = getattr(request, "_csp_nonce", None)  # set by django-csp only when the body used a nonce
    if isinstance(nonce, str):
        setattr(response, CACHED_NONCE_ATTRIBUTE, nonce)  # pickled along with the response
    return response


def reuse_csp_nonce(request, cached_response):
    """When answering from a cache: make this response's CSP header carry the cached body's nonce."""
    nonce = getattr(cached_response, CACHED_NONCE_ATTRIBUTE, None)
    if nonce:
        request._csp_nonce = nonce  # what CSPMiddleware puts in the header (and request.csp_nonce returns)
    return cached_response
