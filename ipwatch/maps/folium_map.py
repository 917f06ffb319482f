"""The /map/ page's map, built with folium but served fully offline.

folium's own defaults load Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers from CDNs
and write page-wide styles (html/body at 100 %). ``IncidentMap`` replaces them: it links only the
Leaflet files vendored in ``static/vendor/`` and renders nothing but the map div and its script, so
the page can be a normal ipwatch page (templates/base.html).

The incidents themselves are never written into the page: ``IncidentLayer`` calls the client code
(ipwatch/maps/static/maps/incident-map.js), which fetches the compact /api/incidents.map.json with
the page's filters (and a clicked incident's full properties from /api/incidents.geojson). The
page's size is therefore the same for 3 incidents or 100,000.
"""

from dataclasses import dataclass

import folium
from branca.element import MacroElement
from django.templatetags.static import static
from django.urls import reverse
from folium.elements import JSCSSMixin
from folium.template import Template

MAP_ID = "ipwatch_map"  # a fixed id (folium picks a random one) keeps the page byte-for-byte stable
MIN_ZOOM = 2
MAX_ZOOM = 14
DEFAULT_CENTER = [24.0, 25.0]  # North Africa and the Middle East, before the incidents load
DEFAULT_ZOOM = 3
NATURAL_EARTH_ATTRIBUTION = "Boundaries: Natural Earth"
TIME_CONTROL_ID = "ipw-time-control"  # the element of maps/map.html the time control is built in


class IncidentMap(folium.Map):
    """folium.Map without CDN links or page-wide styles."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <div class="folium-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{ this.options|tojavascript }}
                }
            );
        {% endmacro %}
        """
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("tiles", None)
        super().__init__(**kwargs)
        self.default_js = [("leaflet", static("vendor/leaflet/leaflet.js"))]
        self.default_css = [("leaflet_css", static("vendor/leaflet/leaflet.css"))]

    def get_name(self):
        return MAP_ID


class OfflineBasemap(JSCSSMixin, MacroElement):
    """Country boundaries (Natural Earth 1:50m, vendored TopoJSON) drawn on a canvas under the markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            IpwatchMap.addOfflineBasemap(
                {{ this._parent.get_name() }}, {{ this.topojson_url|tojson }}, {{ this.attribution|tojson }}
            );
            IpwatchBasemapLabels.attachBoundaries({{ this._parent.get_name() }}, {{ this.admin1_url|tojson }});
            IpwatchBasemapLabels.attach({{ this._parent.get_name() }}, {{ this.labels_url|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "OfflineBasemap"
        self.topojson_url = static("vendor/world-atlas/countries-50m.json")
        self.labels_url = reverse("maps:basemap-labels")
        self.admin1_url = static("vendor/natural-earth-admin1/admin1-lakes.json")
        self.attribution = NATURAL_EARTH_ATTRIBUTION
        self.default_js = [
            ("topojson_client", static("vendor/topojson-client/topojson-client.min.js")),
            ("ipwatch_map", static("maps/incident-map.js")),
            ("ipwatch_basemap_labels", static("maps/basemap-labels.js")),
        ]


class IncidentLayer(JSCSSMixin, MacroElement):
    """The clustered incidents, loaded by the browser from the GeoJSON API.

    Its only input is the id of a ``json_script`` element holding the page's configuration (API URL,
    provinces, labels), so no stored text ever passes through folium's JavaScript templates.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            IpwatchMapView.attach(
                {{ this._parent.get_name() }},
                IpwatchMap.attachIncidents({{ this._parent.get_name() }}, {{ this.config_element_id|tojson }}),
                {{ this.time_control_id|tojson }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, config_element_id: str, time_control_id: str = TIME_CONTROL_ID):
        super().__init__()
        self._name = "IncidentLayer"
        self.config_element_id = config_element_id
        self.time_control_id = time_control_id
        self.default_js = [
            ("supercluster", static("vendor/supercluster/supercluster.min.js")),
            ("ipwatch_map", static("maps/incident-map.js")),
            ("ipwatch_map_view", static("maps/map-view.js")),
        ]
        self.default_css = [("ipwatch_map_css", static("maps/map.css"))]


@dataclass(frozen=True)
class RenderedMap:
    head: str  # <script>/<link> tags for the page's <head>
    html: str  # the map's <div>
    script: str  # JavaScript that builds the map (goes in a <script> after the div)
    basemap_url: str  # the offline basemap's TopoJSON ("" with a tile server), for a preload link


def build_map(*, config_element_id: str, tile_url: str = "", tile_attribution: str = "") -> RenderedMap:
    """Render the map in three parts for a Django template.

    With ``tile_url`` (settings.IPWATCH_TILE_URL) the base layer is that tile server; otherwise the
    offline Natural Earth basemap that ships in static/.
    """
    fmap = IncidentMap(
        location=DEFAULT_CENTER,
        zoom_start=DEFAULT_ZOOM,
        prefer_canvas=True,
        control_scale=False,
        # One world: the basemap is not repeated east and west of it (a little past 180° for Chukotka).
        max_bounds=True,
        min_lat=-75,
        max_lat=85,
        min_lon=-180,
        max_lon=195,
    )
    fmap.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM, max_bounds_viscosity=1.0)
    basemap_url = ""
    if tile_url:
        layer = folium.TileLayer(tiles=tile_url, attr=tile_attribution, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
        layer._id = "base"
        fmap.add_child(layer, name="tiles")
    else:
        basemap = OfflineBasemap()
        basemap_url = basemap.topojson_url
        fmap.add_child(basemap, name="basemap")
    fmap.add_child(IncidentLayer(config_element_id), name="incidents")

    figure = fmap.get_root()
    figure.header._children.pop("meta_http", None)  # base.html already declares the charset
    figure.render()
    return RenderedMap(
        head=figure.header.render(),
        html=figure.html.render(),
        script=figure.script.render(),
        basemap_url=basemap_url,
    )
