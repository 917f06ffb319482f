/* /map/: a layer per activity kind beside the attacks (incident-map.js), each switchable in the
   legend and drawn with its own marker shape; colour stays by province. Territory is drawn as a held
   area (a dashed, shaded disc around the place) for the period the filters choose.

   Kept apart from incident-map.js: it only needs the Leaflet map and the page's filters, which it reads
   from the URL (the source of truth for the map's filters). It fetches
   /api/activity.geojson?<the page's filters>&kind=<the other kinds> and clusters the points with
   supercluster, so the DOM holds one marker per visible cluster, not one per record. Text goes into
   the DOM as text (never as HTML). No request leaves this site. */
(function () {
  "use strict";

  // The API's address as the URLconf gives it: the template writes it on this script's tag.
  var API = document.currentScript.dataset.apiUrl;
  var KINDS = [
    { kind: "media_release", label: "Media releases", shape: "square" },
    { kind: "designation", label: "Designations / sanctions", shape: "diamond" },
    { kind: "arrest", label: "Arrests / disrupted plots", shape: "triangle" },
    { kind: "legal_case", label: "Legal cases", shape: "pentagon" },
    { kind: "pledge", label: "Pledges / province changes", shape: "star" },
    { kind: "leadership", label: "Leadership events", shape: "cross" },
    { kind: "territory", label: "Territory held", shape: "area" },
  ];
  var SVG_NS = "http://www.w3.org/2000/svg";
  var NO_PROVINCE_COLOR = "#6b6b6b";
  var TERRITORY_RADIUS_M = 25000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function points(shape, size) {
    var c = size / 2, r = size / 2 - 1.5;
    function polygon(n, rotate, inner) {
      var out = [];
      var steps = inner ? n * 2 : n;
      for (var i = 0; i < steps; i++) {
        var radius = inner && i % 2 ? r * inner : r;
        var angle = rotate + (Math.PI * 2 * i) / steps;
        out.push((c + radius * Math.cos(angle)).toFixed(1) + "," + (c + radius * Math.sin(angle)).toFixed(1));
      }
      return out.join(" ");
    }
    if (shape === "square") return polygon(4, Math.PI / 4);
    if (shape === "diamond") return polygon(4, 0);
    if (shape === "triangle") return polygon(3, -Math.PI / 2);
    if (shape === "pentagon") return polygon(5, -Math.PI / 2);
    if (shape === "star") return polygon(5, -Math.PI / 2, 0.45);
    if (shape === "cross") {
      var a = c - r, b = c - r / 3, d = c + r / 3, e = c + r;
      return [b + "," + a, d + "," + a, d + "," + b, e + "," + b, e + "," + d, d + "," + d, d + "," + e,
              b + "," + e, b + "," + d, a + "," + d, a + "," + b, b + "," + b].join(" ");
    }
    return null; // "area": a circle
  }

  // An SVG element for a kind's shape (legend swatch and map marker share it).
  function shapeSvg(shape, color, size) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("aria-hidden", "true");
    var path = points(shape, size);
    var node;
    if (path) {
      node = document.createElementNS(SVG_NS, "polygon");
      node.setAttribute("points", path);
    } else {
      node = document.createElementNS(SVG_NS, "circle");
      node.setAttribute("cx", size / 2);
      node.setAttribute("cy", size / 2);
      node.setAttribute("r", size / 2 - 1.5);
      if (shape === "area") {
        node.setAttribute("stroke-dasharray", "3 2");
        node.setAttribute("fill-opacity", "0.3");
      }
    }
    node.setAttribute("fill", color);
    node.setAttribute("stroke", "#1b1b1b");
    node.setAttribute("stroke-width", "1.2");
    svg.appendChild(node);
    return svg;
  }

  function ActivityLayers(incidentLayer) {
    var self = this;
    this.incidents = incidentLayer;
    this.map = incidentLayer.map;
    this.colors = {};
    incidentLayer.config.provinces.forEach(function (province) {
      self.colors[province.slug] = province.color;
    });
    this.shapes = {};
    KINDS.forEach(function (entry) {
      self.shapes[entry.kind] = entry;
    });
    this.features = [];
    this.hidden = {};
    this.layer = L.layerGroup().addTo(this.map);
    this.areas = L.layerGroup().addTo(this.map);
    this.request = null;
    this.buildLegend();
    this.map.on("moveend", function () {
      self.render();
    });
    // The filters live in the URL: reload when the page changes it (form submit, back/forward).
    var form = document.getElementById(incidentLayer.config.formId);
    if (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          self.load();
        }, 0);
      });
    }
    window.addEventListener("popstate", function () {
      self.load();
    });
    this.load();
  }

  ActivityLayers.prototype.colorOf = function (slug) {
    return this.colors[slug] || NO_PROVINCE_COLOR;
  };

  ActivityLayers.prototype.load = function () {
    var self = this;
    var params = new URLSearchParams(window.location.search);
    params.delete("kind");
    params.set("kind", KINDS.map(function (entry) { return entry.kind; }).join(","));
    if (this.request) this.request.abort();
    var controller = (this.request = new AbortController());
    this.setStatus("Loading other activity…");
    fetch(API + "?" + params.toString(), { signal: controller.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (collection) {
        self.features = collection.features;
        self.withoutCoordinates = collection.without_coordinates || 0;
        self.rebuild();
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        self.features = [];
        self.rebuild();
        self.setStatus("Other activity could not be loaded (" + error.message + ").");
      });
  };

  ActivityLayers.prototype.rebuild = function () {
    var hidden = this.hidden;
    var shown = this.features.filter(function (feature) {
      return !hidden[feature.properties.kind];
    });
    this.index = new window.Supercluster({ radius: 40, maxZoom: 12 }).load(
      shown.filter(function (feature) { return feature.properties.kind !== "territory"; })
    );
    this.territory = shown.filter(function (feature) { return feature.properties.kind === "territory"; });
    var counts = {};
    this.features.forEach(function (feature) {
      counts[feature.properties.kind] = (counts[feature.properties.kind] || 0) + 1;
    });
    var rows = this.rows;
    KINDS.forEach(function (entry) {
      rows[entry.kind].count.textContent = (counts[entry.kind] || 0).toLocaleString("en");
    });
    this.map.getContainer().setAttribute("data-activity-count", String(shown.length));
    var text = shown.length === 1 ? "1 other activity record on the map" : shown.length.toLocaleString("en") + " other activity records on the map";
    if (this.withoutCoordinates) {
      text += "; " + this.withoutCoordinates.toLocaleString("en") + " more match but have no place to draw (see the Activity list)";
    }
    this.setStatus(text + ".");
    this.render();
  };

  ActivityLayers.prototype.render = function () {
    if (!this.index) return;
    var self = this;
    this.layer.clearLayers();
    this.areas.clearLayers();
    var bounds = this.map.getBounds();
    var box = [
      Math.max(bounds.getWest(), -180),
      Math.max(bounds.getSouth(), -85),
      Math.min(bounds.getEast(), 180),
      Math.min(bounds.getNorth(), 85),
    ];
    var zoom = Math.round(this.map.getZoom());
    this.index.getClusters(box, zoom).forEach(function (item) {
      var c = item.geometry.coordinates;
      var latlng = L.latLng(c[1], c[0]);
      if (item.properties.cluster) {
        self.layer.addLayer(self.clusterMarker(item, latlng));
      } else {
        self.layer.addLayer(self.marker(item, latlng));
      }
    });
    (this.territory || []).forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var latlng = L.latLng(c[1], c[0]);
      var color = self.colorOf(feature.properties.province || "");
      var area = L.circle(latlng, {
        radius: TERRITORY_RADIUS_M,
        color: color,
        weight: 2,
        dashArray: "6 4",
        fillColor: color,
        fillOpacity: 0.2,
        className: "ipw-territory",
      });
      area.bindPopup(self.popup([feature]));
      self.areas.addLayer(area);
      self.layer.addLayer(self.marker(feature, latlng));
    });
  };

  ActivityLayers.prototype.marker = function (feature, latlng) {
    var props = feature.properties;
    var entry = this.shapes[props.kind] || KINDS[0];
    var holder = el("span", "ipw-kind-marker ipw-kind-" + props.kind);
    holder.appendChild(shapeSvg(entry.shape, this.colorOf(props.province || ""), 18));
    holder.setAttribute("data-kind", props.kind);
    var marker = L.marker(latlng, {
      icon: L.divIcon({ html: holder, className: "ipw-kind-icon", iconSize: [18, 18], iconAnchor: [9, 9] }),
      title: props.title,
      keyboard: true,
    });
    marker.bindPopup(this.popup([feature]));
    return marker;
  };

  ActivityLayers.prototype.clusterMarker = function (cluster, latlng) {
    var self = this;
    var count = cluster.properties.point_count;
    var holder = el("span", "ipw-kind-cluster", count.toLocaleString("en"));
    var marker = L.marker(latlng, {
      icon: L.divIcon({ html: holder, className: "ipw-kind-icon", iconSize: [26, 26], iconAnchor: [13, 13] }),
      title: count + " activity records",
    });
    marker.on("click", function () {
      var zoom = Math.min(self.index.getClusterExpansionZoom(cluster.properties.cluster_id), 14);
      self.map.setView(latlng, zoom);
    });
    return marker;
  };

  ActivityLayers.prototype.popup = function (features) {
    var box = el("div", "ipw-popup ipw-activity-popup");
    var self = this;
    features.forEach(function (feature) {
      var props = feature.properties;
      if (props.synthetic) box.appendChild(el("p", "badge synthetic", "SYNTHETIC \u2014 not a real event"));
      var kind = el("p", "ipw-popup-kind");
      kind.appendChild(shapeSvg((self.shapes[props.kind] || KINDS[0]).shape, self.colorOf(props.province || ""), 12));
      kind.appendChild(document.createTextNode(" " + ((self.shapes[props.kind] || {}).label || props.kind)));
      box.appendChild(kind);
      var title = el("p", "ipw-popup-title");
      var link = el("a", null, props.title);
      link.href = props.url;
      title.appendChild(link);
      box.appendChild(title);
      var where = [props.period_display, props.place, props.province_name].filter(Boolean).join(" \u00b7 ");
      box.appendChild(el("p", "ipw-popup-meta", where));
    });
    return box;
  };

  ActivityLayers.prototype.setStatus = function (text) {
    if (this.status) this.status.textContent = text;
  };

  ActivityLayers.prototype.buildLegend = function () {
    var self = this;
    var box = document.getElementById(this.incidents.config.legendId);
    var fieldset = el("fieldset", "ipw-legend-kinds");
    fieldset.appendChild(el("legend", null, "Layers (untick to hide; colour is the province)"));
    var list = el("ul", "ipw-legend-list");
    this.rows = {};
    var attacks = el("li", "ipw-legend-item");
    var attackLabel = el("label");
    var attackBox = el("input");
    attackBox.type = "checkbox";
    attackBox.checked = true;
    attackBox.setAttribute("data-kind", "attack");
    attackBox.addEventListener("change", function () {
      if (attackBox.checked) self.map.addLayer(self.incidents.layer);
      else self.map.removeLayer(self.incidents.layer);
    });
    attackLabel.appendChild(attackBox);
    attackLabel.appendChild(shapeSvg("circle", NO_PROVINCE_COLOR, 14));
    attackLabel.appendChild(el("span", "ipw-legend-name", "Attacks"));
    attacks.appendChild(attackLabel);
    list.appendChild(attacks);
    KINDS.forEach(function (entry) {
      var item = el("li", "ipw-legend-item");
      var label = el("label");
      var input = el("input");
      input.type = "checkbox";
      input.checked = true;
      input.setAttribute("data-kind", entry.kind);
      input.addEventListener("change", function () {
        self.hidden[entry.kind] = !input.checked;
        self.rebuild();
      });
      label.appendChild(input);
      label.appendChild(shapeSvg(entry.shape, NO_PROVINCE_COLOR, 14));
      label.appendChild(el("span", "ipw-legend-name", entry.label));
      var count = el("span", "ipw-legend-count", "");
      label.appendChild(count);
      item.appendChild(label);
      list.appendChild(item);
      self.rows[entry.kind] = { item: item, count: count };
    });
    fieldset.appendChild(list);
    this.status = el("p", "ipw-help ipw-activity-status");
    this.status.setAttribute("role", "status");
    fieldset.appendChild(this.status);
    if (box) box.insertBefore(fieldset, box.firstChild);
  };

  function start() {
    if (!window.L || !window.Supercluster) return;
    if (window.ipwatchIncidentLayer) {
      window.ipwatchActivityLayers = new ActivityLayers(window.ipwatchIncidentLayer);
      return;
    }
    window.setTimeout(start, 50); // the map page's own script creates the incident layer first
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
