/*
 * Place and region names on the offline basemap (client side of /api/basemap/labels.json).
 *
 *   IpwatchBasemapLabels.attach(map, url)
 *
 * Places come most populous first; a zoom level shows the places above its population threshold,
 * skipping any label that would overlap one already drawn, so more appear as you zoom in. Region
 * (first-level division) names are drawn at middle zooms. When the browser's first language is
 * Arabic, places are named in Arabic script where the gazetteer has such a name.
 * Names reach the DOM as textContent only.
 */
(function () {
  "use strict";

  var MAX_LABELS = 160;
  // Smallest population labelled at each zoom (the data holds places of 1,000 and more).
  var MIN_POPULATION = { 2: 5000000, 3: 2000000, 4: 700000, 5: 250000, 6: 80000, 7: 20000, 8: 4000, 9: 1500 };
  var REGION_ZOOMS = [5, 9];

  function prefersArabic() {
    var first = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    return /^ar\b/i.test(first);
  }

  function LabelLayer(map, data) {
    this.map = map;
    this.places = data.places;
    this.regions = data.regions;
    this.arabic = prefersArabic();
    var pane = (this.pane = map.createPane("ipwatch-labels"));
    pane.style.zIndex = 350; // over the basemap and tiles, under vector overlays and markers
    pane.style.pointerEvents = "none";
    var self = this;
    map.on("zoomstart", function () {
      pane.style.visibility = "hidden";
    });
    map.on("moveend zoomend resize", function () {
      self.draw();
    });
    this.draw();
  }

  LabelLayer.prototype.draw = function () {
    var map = this.map;
    var pane = this.pane;
    while (pane.firstChild) pane.removeChild(pane.firstChild);
    pane.style.visibility = "";
    var zoom = Math.round(map.getZoom());
    var minPopulation = zoom >= 10 ? 0 : MIN_POPULATION[Math.max(2, zoom)];
    var bounds = map.getBounds().pad(0.1);
    var placed = [];
    var drawn = 0;

    function free(box) {
      for (var i = 0; i < placed.length; i++) {
        var other = placed[i];
        if (box[0] < other[2] && other[0] < box[2] && box[1] < other[3] && other[1] < box[3]) return false;
      }
      return true;
    }

    for (var i = 0; i < this.places.length && drawn < MAX_LABELS; i++) {
      var place = this.places[i];
      if (place[4] < minPopulation) break; // sorted by population: nothing smaller qualifies
      if (!bounds.contains([place[2], place[3]])) continue;
      var text = (this.arabic && place[1]) || place[0];
      var point = map.latLngToLayerPoint([place[2], place[3]]);
      var major = place[4] >= 500000;
      var width = text.length * (major ? 8 : 7) + 10;
      var box = [point.x - 4, point.y - 9, point.x + width, point.y + 9];
      if (!free(box)) continue;
      placed.push(box);
      drawn += 1;
      var dot = L.DomUtil.create("div", "ipw-place-dot", pane);
      L.DomUtil.setPosition(dot, point);
      var label = L.DomUtil.create("div", "ipw-place-label" + (major ? " major" : ""), pane);
      label.textContent = text;
      if (text !== place[0]) label.setAttribute("dir", "rtl");
      label.setAttribute("data-name", place[0]);
      L.DomUtil.setPosition(label, point);
    }

    if (zoom >= REGION_ZOOMS[0] && zoom <= REGION_ZOOMS[1]) {
      for (var j = 0; j < this.regions.length; j++) {
        var region = this.regions[j];
        if (!bounds.contains([region[1], region[2]])) continue;
        var at = map.latLngToLayerPoint([region[1], region[2]]);
        var half = (region[0].length * 8 + 12) / 2;
        var area = [at.x - half, at.y - 8, at.x + half, at.y + 8];
        if (!free(area)) continue;
        placed.push(area);
        var name = L.DomUtil.create("div", "ipw-region-label", pane);
        name.textContent = region[0];
        name.setAttribute("data-region", region[3]);
        L.DomUtil.setPosition(name, at);
      }
    }
    map.getContainer().setAttribute("data-labels", String(drawn));
  };

  // Both files are JSON from this site; an HTTP error fails the promise like a network one.
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  // First-level boundaries (dashed) and large lakes, on the basemap's canvas pane; boundaries only
  // from zoom 4, where they stop being clutter.
  var BOUNDARY_MIN_ZOOM = 4;

  function attachBoundaries(map, url) {
    return getJSON(url)
      .then(function (collection) {
        // Its own pane just above the countries' (whichever file arrives first).
        var pane = map.createPane("ipwatch-boundaries");
        pane.style.zIndex = 160;
        pane.style.pointerEvents = "none";
        var renderer = L.canvas({ pane: "ipwatch-boundaries", padding: 0.5 });
        var lakes = collection.features.filter(function (f) { return f.properties.kind === "lakes"; });
        var lines = collection.features.filter(function (f) { return f.properties.kind === "admin1"; });
        L.geoJSON(lakes, {
          pane: "ipwatch-boundaries",
          renderer: renderer,
          interactive: false,
          style: { color: "#9fbfcf", weight: 0.6, fillColor: "#cddfe8", fillOpacity: 1 },
        }).addTo(map);
        var boundaries = L.geoJSON(lines, {
          pane: "ipwatch-boundaries",
          renderer: renderer,
          interactive: false,
          style: { color: "#b4a38a", weight: 0.9, dashArray: "4 3", opacity: 0.9 },
        });
        function toggle() {
          var show = map.getZoom() >= BOUNDARY_MIN_ZOOM;
          if (show && !map.hasLayer(boundaries)) boundaries.addTo(map);
          if (!show && map.hasLayer(boundaries)) map.removeLayer(boundaries);
        }
        map.on("zoomend", toggle);
        toggle();
        map.getContainer().setAttribute("data-admin1", "loaded");
      })
      .catch(function (error) {
        map.getContainer().setAttribute("data-admin1", "failed");
        if (window.console) window.console.error("ipwatch: boundaries failed to load", error);
      });
  }

  function attach(map, url) {
    return getJSON(url)
      .then(function (data) {
        if (data.attribution) map.attributionControl.addAttribution(data.attribution);
        var layer = new LabelLayer(map, data);
        window.ipwatchLabels = layer; // for debugging and browser tests
        return layer;
      })
      .catch(function (error) {
        map.getContainer().setAttribute("data-labels", "failed");
        if (window.console) window.console.error("ipwatch: place names failed to load", error);
      });
  }

  window.IpwatchBasemapLabels = { attach: attach, attachBoundaries: attachBoundaries };
})();
