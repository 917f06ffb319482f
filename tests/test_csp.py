"""Content-Security-Policy: no third-party origin, nonces on every inline script and style."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from ipwatch.core.cache import public_cache
from ipwatch.core.csp import add_csp_nonce, remember_csp_nonce, reuse_csp_nonce

from .public_urls import LOGOUT, NOT_FOR_ANONYMOUS, public_routes, working_values

# A page extending base.html with an inline script and style, written the way templates must.
INLINE_TEMPLATE = """{% extends "base.html" %}
{% block head %}<style nonce="{{ request.csp_nonce }}">h1 { color: #123; }</style>{% endblock %}
{% block content %}<h1>Inline</h1>{{ folium_html|safe }}{% endblock %}
{% block scripts %}<script nonce="{{ request.csp_nonce }}">document.title = "ok";</script>{% endblock %}"""
FOLIUM_LIKE = '<style>#map{height:1px}</style><div id="map"></div><script>var map = "<b>";</script>'


def inline_page(request):
    html = add_csp_nonce(FOLIUM_LIKE, request.csp_nonce)
    template = engines["django"].from_string(INLINE_TEMPLATE)
    return HttpResponse(template.render({"folium_html": html}, request))


def naive_cache(view):
    """A response cache inside the middleware stack, like ipwatch.core.cache.public_cache
    (local-memory cache: responses are pickled)."""

    def wrapper(request):
        key = f"test-csp:{request.path}"
        cached = cache.get(key)
        if cached is not None:
            return reuse_csp_nonce(request, cached)
        response = view(request)
        cache.set(key, remember_csp_nonce(request, response))
        return response

    return wrapper


def no_inline_page(request):
    return HttpResponse("<p>No inline script here.</p>")


urlpatterns = [
    path("inline/", inline_page),
    path("cached/", naive_cache(inline_page)),
    path("public-cached/", public_cache(inline_page)),
    path("cached-plain/", naive_cache(no_inline_page)),
    path("", include("ipwatch.urls")),  # base.html links to the site's pages by name
]


class InlineTags(HTMLParser):
    """Inline (executable) <script> and <style> tags and their nonce attribute."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        executable = tag == "script" and attrs.get("type", "text/javascript") in {"text/javascript", "module"}
        if (executable and "src" not in attrs) or tag == "style":
            self.tags.append((tag, attrs.get("nonce")))


def inline_tags(html: str):
    parser = InlineTags()
    parser.feed(html)
    return parser.tags


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def header_nonce(response) -> str | None:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return match[1] if match else None


def assert_no_third_party_origin(response):
    header = response["Content-Security-Policy"]
    assert not re.search(r"https?:|\*|'unsafe-inline'|'unsafe-eval'", header), header


pytestmark = pytest.mark.django_db  # base.html states the data's "as of" date (one query)


@pytest.mark.urls(__name__)
def test_a_page_with_inline_script_and_style_gets_a_nonce_for_them(client):
    response = client.get("/inline/")
    policy = directives(response)
    nonce = header_nonce(response)
    assert nonce
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert_no_third_party_origin(response)
    tags = inline_tags(response.content.decode())
    assert tags == [("style", nonce), ("style", nonce), ("script", nonce), ("script", nonce)]


@pytest.mark.urls(__name__)
def test_each_response_has_its_own_nonce(client):
    assert header_nonce(client.get("/inline/")) != header_nonce(client.get("/inline/"))


@pytest.mark.urls(__name__)
def test_a_cached_page_keeps_the_nonce_its_body_was_rendered_with(client):
    cache.delete("test-csp:/cached/")
    first, second = client.get("/cached/"), client.get("/cached/")
    assert second.content == first.content
    nonce = header_nonce(first)
    assert nonce and header_nonce(second) == nonce
    assert {tag_nonce for _, tag_nonce in inline_tags(second.content.decode())} == {nonce}


@pytest.mark.urls(__name__)
def test_the_public_cache_carries_the_nonce_to_cache_hits(client):
    first, second = client.get("/public-cached/"), client.get("/public-cached/")
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    nonce = header_nonce(first)
    assert nonce and header_nonce(second) == nonce
    assert {tag_nonce for _, tag_nonce in inline_tags(second.content.decode())} == {nonce}


@pytest.mark.urls(__name__)
def test_a_cached_page_without_inline_tags_gets_no_nonce(client):
    cache.delete("test-csp:/cached-plain/")
    client.get("/cached-plain/")
    assert header_nonce(client.get("/cached-plain/")) is None


@pytest.mark.django_db
def test_every_public_page_has_the_policy_and_nonces_on_its_inline_tags(client, sample_data):
    """Walks the URLconf: pages added later are checked too."""
    checked = 0
    for route in public_routes():
        url = route.fill(working_values(client, route))
        response = client.get(url)
        # Every page that exists answers: a missing or broken one fails here instead of going unchecked.
        expected = 405 if url == LOGOUT else NOT_FOR_ANONYMOUS.get(url, 200)
        assert response.status_code == expected, (url, response.status_code)
        if expected != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        assert_no_third_party_origin(response)
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        tags = inline_tags(response.content.decode())
        if tags:
            nonce = header_nonce(response)
            assert nonce, f"{route}: inline tags but no nonce in the policy"
            assert all(tag_nonce == nonce for _, tag_nonce in tags), f"{route}: {tags}"
    assert checked >= 2


@pytest.mark.django_db
def test_admin_pages_are_under_the_same_policy(admin_client):
    for url in ("/admin/", "/admin/core/incident/", "/admin/core/incident/add/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert_no_third_party_origin(response)
        assert inline_tags(response.content.decode()) == [], url


class TestAddCspNonce:
    def test_inline_script_and_style_get_the_nonce(self):
        html = "<style>a{}</style><script>1</script>"
        assert add_csp_nonce(html, "N") == '<style nonce="N">a{}</style><script nonce="N">1</script>'

    def test_external_scripts_do_not(self):
        # A nonce on <script src> would let that URL run from any origin.
        html = '<script src="https://cdn.example.org/x.js"></script>'
        assert add_csp_nonce(html, "N") == html

    def test_existing_nonces_and_attributes_are_kept(self):
        html = '<SCRIPT type="module">1</SCRIPT><script nonce="other">2</script>\n<style\nmedia="print">a{}</style>'
        assert add_csp_nonce(html, "N") == (
            '<SCRIPT nonce="N" type="module">1</SCRIPT><script nonce="other">2</script>\n'
            '<style nonce="N"\nmedia="print">a{}</style>'
        )

    def test_tags_inside_script_text_are_not_touched(self):
        html = "<script>var s = '<style>x</style>';</script>"
        assert add_csp_nonce(html, "N") == "<script nonce=\"N\">var s = '<style>x</style>';</script>"

    def test_real_folium_output(self):
        folium = pytest.importorskip("folium")
        figure = folium.Map(location=[27.0, 14.4], zoom_start=5, tiles=None)
        html = add_csp_nonce(figure.get_root().render(), "N")
        tags = inline_tags(html)
        assert tags
        assert all(nonce == "N" for _, nonce in tags)

    def test_color_swatch_needs_no_style_attribute(self):
        template = engines["django"].from_string("{% load ipwatch_csp %}{% color_swatch color %}")
        assert 'fill="#c0392b"' in template.render({"color": "#c0392b"})
        hostile = template.render({"color": 'red" onload="alert(1)'})
        assert "style=" not in hostile and "onload" not in hostile and 'fill="#9e9e9e"' in hostile

    def test_template_filter(self):
        template = engines["django"].from_string("{% load ipwatch_csp %}{{ html|with_csp_nonce:nonce }}")
        assert template.render({"html": "<script>1</script>", "nonce": "N"}) == '<script nonce="N">1</script>'
