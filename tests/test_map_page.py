"""/map/: a folium page with no incidents inside it, offline assets only, filters from the URL."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from ipwatch.core.choices import SourceKind
from ipwatch.core.models import Report, Source
from tests.public_helpers import assert_shown, page_html

PAGE = "/map/"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "</script><script>alert(1)</script>"


def page_config(html: str) -> dict:
    match = re.search(r'<script id="ipw-map-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.mark.django_db
class TestPage:
    def test_renders_folium_map_form_and_config(self, client, sample_data):
        html = page_html(client, PAGE)
        assert 'class="folium-map" id="ipwatch_map"' in html
        assert "L.map(" in html
        assert 'IpwatchMap.attachIncidents(ipwatch_map, "ipw-map-config")' in html
        assert 'id="ipw-map-filters"' in html
        assert "IpwatchMapView.attach(" in html
        config = page_config(html)
        assert config["apiUrl"] == "/api/incidents.geojson"
        assert 'data-api-url="/api/activity.geojson"' in html  # where the activity layers fetch from
        assert {"slug": "fezzan", "name": "Fezzan", "color": "#c0392b"} in config["provinces"]
        assert config["labels"]["incident_type"]["raid"] == "Raid / armed assault"

    def test_no_incident_data_in_the_page(self, client, sample_data):
        html = client.get(PAGE).content.decode()
        assert "Sebha" not in html
        assert "Al-Fuqaha" not in html

    def test_every_asset_is_served_from_static(self, client, db):
        html = client.get(PAGE).content.decode()
        urls = re.findall(r'(?:src|href)="([^"]+)"', html)
        # (links to the open-data downloads under /api/ are not assets the page loads)
        downloads = ("/api/",)
        assets = [u for u in urls if u.endswith((".js", ".css", ".json", ".png")) and not u.startswith(downloads)]
        assert any(url.endswith("leaflet.js") for url in assets)
        assert all(url.startswith("/static/") for url in assets), assets
        # folium's CDN defaults (jQuery, Bootstrap, Font Awesome, awesome-markers) are gone.
        for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "bootstrapcdn", "unpkg.com"):
            assert cdn not in html
        assert not re.search(r"https?://(?!www\.w3\.org)", html.split("<footer")[0].split("</header>")[1])

    def test_offline_basemap_by_default(self, client, db):
        html = client.get(PAGE).content.decode()
        assert "IpwatchMap.addOfflineBasemap(" in html
        assert "/static/vendor/world-atlas/countries-50m.json" in html
        assert "L.tileLayer" not in html

    @override_settings(
        IPWATCH_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png", IPWATCH_TILE_ATTRIBUTION="© Example tiles"
    )
    def test_tile_server_setting_replaces_the_offline_basemap(self, client, db):
        html = client.get(PAGE).content.decode()
        assert "L.tileLayer(" in html
        assert '"https://tiles.example.org/{z}/{x}/{y}.png"' in html
        assert "addOfflineBasemap" not in html

    def test_form_shows_the_filters_from_the_url(self, client, sample_data):
        query = "province=fezzan&province=barqa&since=2019-01-01&claimed=yes&q=camp"
        assert_shown(
            client.get(f"{PAGE}?{query}").content.decode(),
            '<input type="checkbox" name="province" value="fezzan" checked>',
            '<input type="checkbox" name="province" value="barqa" checked>',
            '<input type="checkbox" name="province" value="sinai">',
            # ISO dates as text, whatever the browser's locale would make of a date field.
            'placeholder="YYYY-MM-DD" maxlength="10" autocomplete="off" value="2019-01-01"',
            '<option value="yes" selected>',
            'value="camp"',
            'href="/api/incidents.geojson?province=fezzan&amp;province=barqa&amp;since=2019-01-01',
        )

    def test_preloads_the_data_the_script_will_fetch(self, client, sample_data):
        # The time window is applied in the browser: the data request leaves since/until out.
        html = client.get(f"{PAGE}?province=fezzan&since=2019-01-01&hide=barqa").content.decode()
        expected = "/api/incidents.map.json?province=fezzan"
        assert f'<link rel="preload" href="{expected}" as="fetch" crossorigin>' in html
        assert page_config(html)["mapDataUrl"] == "/api/incidents.map.json"
        assert '<link rel="preload" href="/static/vendor/world-atlas/countries-50m.json"' in html

    def test_invalid_filters_are_a_400_page_naming_the_parameter(self, client, sample_data):
        response = client.get(f"{PAGE}?since=yesterday&province=atlantis")
        assert response.status_code == 400
        html = response.content.decode()
        assert "<code>since</code>: " in html
        assert "<code>province</code>: " in html
        assert 'value="yesterday" aria-invalid="true"' in html
        # The API is asked with the bad dates too, so it names them on the map.
        assert page_config(html)["dataQuery"] == "since=yesterday&province=atlantis"


@pytest.mark.django_db
class TestEscaping:
    def test_markup_in_stored_text_never_reaches_the_page_raw(self, client, make_incident, make_place, make_province):
        province = make_province(name=f"Province {IMG_PAYLOAD} {SCRIPT_PAYLOAD}")
        incident = make_incident(
            place=make_place(name=f"{IMG_PAYLOAD} {SCRIPT_PAYLOAD}"),
            province=province,
            summary=f"{IMG_PAYLOAD} {SCRIPT_PAYLOAD}",
        )
        source = Source.objects.create(name=f"Source {SCRIPT_PAYLOAD}", slug="payload", kind=SourceKind.OTHER)
        Report.objects.create(incident=incident, source=source, is_claim=True, killed=2)
        response = client.get(f"{PAGE}?q={SCRIPT_PAYLOAD}")
        html = response.content.decode()
        assert IMG_PAYLOAD not in html
        assert SCRIPT_PAYLOAD not in html
        assert "<img" not in html
        assert html.count("<script") == html.count("</script>")
        # Escaped where it legitimately appears: the province option, the JSON config, the search box.
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert page_config(html)["provinces"][0]["name"] == province.name
        assert "\\u003c/script\\u003e" in html.lower()  # json_script writes it in upper case


@pytest.mark.django_db
class TestScale:
    @staticmethod
    def make(make_incident, province, count):
        for _ in range(count):
            make_incident(province=province)

    def test_html_size_does_not_depend_on_the_number_of_incidents(self, client, make_incident, make_province):
        province = make_province(slug="only")
        self.make(make_incident, province, 3)
        small = client.get(PAGE).content
        self.make(make_incident, province, 27)
        large = client.get(PAGE).content

        # Byte for byte the same, but for the per-response CSP nonce and the filter chips' counts
        # (one number per province and type, however many incidents).
        def strip(html):
            html = re.sub(rb'nonce="[^"]*"', b"", html)
            return re.sub(rb'(<span class="chip-count" aria-label=")\d+( incidents?">)\d+', rb"\1\2", html)

        assert b'class="chip-count"' in large
        assert strip(small) == strip(large)

    @pytest.mark.parametrize("count", [3, 30])
    def test_queries_do_not_grow_with_incidents(
        self, client, make_incident, make_province, count, django_assert_num_queries
    ):
        self.make(make_incident, make_province(slug="only"), count)
        with django_assert_num_queries(3):  # the provinces, the chips' counts, the data's "as of" date
            assert client.get(PAGE).status_code == 200
        with django_assert_num_queries(4):  # + validating the province slugs
            assert client.get(f"{PAGE}?province=only").status_code == 200

    def test_gzip_when_accepted(self, client, db):
        response = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"


def test_tile_url_without_attribution_fails_fast():
    env = {k: v for k, v in os.environ.items() if k != "IPWATCH_TILE_ATTRIBUTION"}
    env.update(IPWATCH_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png", SECRET_KEY="x", DEBUG="0")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "IPWATCH_TILE_ATTRIBUTION must be set with IPWATCH_TILE_URL" in result.stderr
