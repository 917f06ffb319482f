/* Small maps on the overview, province and incident pages. Progressive enhancement: the page
   already says where things are in text; with Leaflet present (static/vendor/leaflet/) the points
   from data-geojson-url are drawn, over Natural Earth country outlines from data-basemap-url
   (vendored world-atlas TopoJSON) when given. Nothing is fetched from another host. */
(function () {
  "use strict";
  if (!window.L) return;

  document.querySelectorAll("[data-small-map]").forEach(function (element) {
    var fallback = element.querySelector(".small-map-fallback");
    var label = element.getAttribute("data-label") || "";
    element.classList.add("small-map-live");
    if (fallback) fallback.remove();
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", label ? "Map of " + label : "Map of published incidents");
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: true, worldCopyJump: true });
    map.attributionControl.setPrefix(false);
    var lat = parseFloat(element.getAttribute("data-lat"));
    var lon = parseFloat(element.getAttribute("data-lon"));
    var here = !isNaN(lat) && !isNaN(lon);
    map.setView(here ? [lat, lon] : [24, 25], here ? 5 : 2);

    window.ipwatchCountryOutlines(map, element, { color: "#8a96a3", weight: 0.6, fillColor: "#e9edf1", fillOpacity: 1 });

    var points = L.layerGroup().addTo(map);
    var url = element.getAttribute("data-geojson-url");
    if (url) {
      fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !data.features) return;
          var layer = L.geoJSON(data, {
            pointToLayer: function (feature, latlng) {
              return L.circleMarker(latlng, { radius: 4, color: "#0b5394", weight: 1, fillOpacity: 0.55 });
            }
          }).addTo(points);
          if (!here && layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { maxZoom: 6, padding: [12, 12] });
        })
        .catch(function () {});
    }
    if (here) {
      var marker = L.circleMarker([lat, lon], { radius: 8, color: "#a4161a", weight: 3, fillOpacity: 0.7 }).addTo(map);
      var text = document.createElement("span");
      text.textContent = label;  // a node, not a string: Leaflet would insert a string as HTML
      marker.bindTooltip(text);
    }
  });
})();
