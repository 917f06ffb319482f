/* Small maps on the overview, province and incident pages. Progressive enhancement: the page
   already says where things are in text; with Leaflet present (static/vendor/leaflet/) the points
   from data-geojson-url are drawn. No tiles are fetched from anywhere (no CDN, no tile server):
   a vendored basemap can be added here by the map issue. */
(function () {
  "use strict";
  if (!window.L) return;
  document.querySelectorAll("[data-small-map]").forEach(function (element) {
    var url = element.getAttribute("data-geojson-url");
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: false });
    element.classList.add("small-map-live");
    var lat = parseFloat(element.getAttribute("data-lat"));
    var lon = parseFloat(element.getAttribute("data-lon"));
    var here = null;
    if (!isNaN(lat) && !isNaN(lon)) {
      here = L.circleMarker([lat, lon], { radius: 8, color: "#a4161a", weight: 3, fillOpacity: 0.6 }).addTo(map);
      here.bindTooltip(element.getAttribute("data-label") || "");
      map.setView([lat, lon], 8);
    } else {
      map.setView([20, 20], 2);
    }
    if (!url) return;
    fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.features) return;
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 4, color: "#0b5394", weight: 1, fillOpacity: 0.5 });
          }
        }).addTo(map);
        if (!here && layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { maxZoom: 7, padding: [10, 10] });
      })
      .catch(function () { /* the text fallback stays */ });
  });
})();
