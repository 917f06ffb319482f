/* Natural Earth country outlines (vendored world-atlas TopoJSON read with topojson-client) drawn
   under a Leaflet map: used by the small public maps and by the place admin's pin map. One download
   per URL per page, however many maps ask. The map's element gets data-basemap="loaded" (or "failed").
   Nothing is fetched from another host. */
(function () {
  "use strict";
  var topologies = {};

  window.ipwatchCountryOutlines = function (map, element, style) {
    var url = element.getAttribute("data-basemap-url");
    if (!url || !window.topojson) return;
    if (!topologies[url]) {
      topologies[url] = fetch(url).then(function (response) { return response.ok ? response.json() : null; });
    }
    topologies[url].then(function (topology) {
      if (!topology) return;
      L.geoJSON(window.topojson.feature(topology, topology.objects.countries), { interactive: false, style: style })
        .addTo(map).bringToBack();
      map.attributionControl.addAttribution("Natural Earth");
      element.setAttribute("data-basemap", "loaded");
    }).catch(function () { element.setAttribute("data-basemap", "failed"); });
  };
})();
