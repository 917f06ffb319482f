/*
 * ipwatch incident map (client side of /map/).
 *
 * The page skeleton is rendered with folium (ipwatch/maps/folium_map.py); its script calls
 *   IpwatchMap.addOfflineBasemap(map, topojsonUrl, attribution)   (unless a tile server is configured)
 *   IpwatchMap.attachIncidents(map, configElementId)
 * Incidents are fetched from /api/incidents.map.json (compact: what the map draws) with the page's
 * current filters, their popups' details from /api/incidents.geojson?id=…; clustered with
 * supercluster (indexes 100k points in well under a second) and drawn as canvas circle markers.
 *
 * Safety: every piece of stored text (place, province and source names, ...) reaches the DOM
 * through textContent or a text node, never innerHTML, so markup in the data shows as text.
 */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var APPROXIMATE = { district: true, province: true, country: true };
  var MIXED_COLOR = "#4b5563";
  var FALLBACK_COLOR = "#6b7280";
  var COLOR_RE = /^#[0-9a-fA-F]{6}$/;

  // Same rules as Incident.date_display: "4 May 2019", "Oct 2018", "2018", "week of 1 Apr 2019".
  function formatDate(iso, precision) {
    if (!iso) return "Date unknown";
    var parts = iso.split("-");
    var year = parts[0];
    var month = MONTHS[parseInt(parts[1], 10) - 1];
    var day = String(parseInt(parts[2], 10));
    if (precision === "year") return year;
    if (precision === "month") return month + " " + year;
    if (precision === "week") return "week of " + day + " " + month + " " + year;
    return day + " " + month + " " + year;
  }

  // Create an element; text goes in as textContent, so it is never parsed as HTML.
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeColor(color) {
    return COLOR_RE.test(color || "") ? color : FALLBACK_COLOR;
  }

  // Only http(s) links, resolved against the page, end up in an href.
  function safeHref(url) {
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // Timings for benchmarks and debugging (DevTools > Performance, or performance.getEntriesByType("mark")).
  function mark(name) {
    if (window.performance && performance.mark) performance.mark("ipwatch:" + name);
  }

  function casualties(props) {
    return props.size || 0; // killed + wounded where known (unknown figures draw the smallest marker)
  }

  // The compact map data (ipwatch/maps/compact.py: columns of integers with a legend) as the point
  // features supercluster takes. Properties hold only what the map draws; popups fetch the rest.
  function decodeMapData(body) {
    var columns = body.columns || {};
    var ids = columns.id || [];
    var legend = body.legend || {};
    var provinces = legend.province || [];
    var precisions = legend.location_precision || [];
    var places = body.places || [];
    var features = new Array(ids.length);
    var id = 0;
    for (var i = 0; i < ids.length; i++) {
      id += ids[i];
      var place = places[columns.place[i]];
      features[i] = {
        type: "Feature",
        id: id,
        geometry: { type: "Point", coordinates: [place[0], place[1]] },
        properties: {
          day: columns.day[i],
          province: provinces[columns.province[i]] || "",
          location_precision: precisions[place[2]] || "",
          size: columns.size[i],
          synthetic: columns.synthetic[i] === 1,
        },
      };
    }
    return features;
  }

  // Marker radius grows with the square root of killed + wounded, capped so big events stay readable.
  function radiusFor(total) {
    return 5 + Math.min(13, 2.2 * Math.sqrt(total));
  }

  function figure(value) {
    return value === null || value === undefined ? "\u2014" : String(value);
  }

  /* ---------------------------------------------------------------- offline basemap */

  // Natural Earth cuts countries at the antimeridian; a ring that steps from 180° to -180° would be
  // drawn by Leaflet as a line across the whole world. Shift such points by 360° so rings stay whole.
  function unwrapRing(ring) {
    var shift = 0;
    for (var i = 1; i < ring.length; i++) {
      var step = ring[i][0] + shift - ring[i - 1][0];
      if (step > 180) shift -= 360;
      else if (step < -180) shift += 360;
      if (shift) ring[i] = [ring[i][0] + shift, ring[i][1]];
    }
  }

  function unwrapGeometry(geometry) {
    if (!geometry) return;
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    polygons.forEach(function (polygon) {
      polygon.forEach(unwrapRing);
    });
  }

  function addOfflineBasemap(map, url, attribution) {
    var pane = map.createPane("ipwatch-basemap");
    pane.style.zIndex = 150; // under tiles (200), vector overlays (400) and markers (600)
    pane.style.pointerEvents = "none";
    var renderer = L.canvas({ pane: "ipwatch-basemap", padding: 0.5 });
    if (attribution) map.attributionControl.addAttribution(attribution);
    return fetch(url, { credentials: "same-origin" }) // matches the page's <link rel="preload">
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (topology) {
        mark("basemap-received");
        var countries = window.topojson.feature(topology, topology.objects.countries);
        // No incidents in Antarctica, and its ring along the pole would need special handling.
        countries.features = countries.features.filter(function (feature) {
          return feature.properties.name !== "Antarctica";
        });
        countries.features.forEach(function (feature) {
          unwrapGeometry(feature.geometry);
        });
        L.geoJSON(countries, {
          pane: "ipwatch-basemap",
          renderer: renderer,
          interactive: false,
          style: { color: "#a8a29e", weight: 0.8, fillColor: "#f5f1e8", fillOpacity: 1 },
        }).addTo(map);
        map.getContainer().setAttribute("data-basemap", "loaded");
        mark("basemap-drawn");
      })
      .catch(function (error) {
        map.getContainer().setAttribute("data-basemap", "failed");
        if (window.console) window.console.error("ipwatch: basemap failed to load", error);
      });
  }

  /* ---------------------------------------------------------------- incidents */

  function IncidentLayer(map, config) {
    var self = this;
    this.map = map;
    this.config = config;
    this.container = map.getContainer();
    this.provinceBySlug = {};
    config.provinces.forEach(function (province) {
      self.provinceBySlug[province.slug] = province;
    });
    this.features = [];
    this.byDate = []; // the features sorted by date, for the time window
    this.days = []; // their dates as day numbers (days since 1970-01-01), same order
    this.timeWindow = null; // {from: day, to: day} (inclusive) or null for all dates
    this.listeners = { data: [], render: [], hidden: [] };
    this.hidden = {}; // province slug ("" = no province) -> true when toggled off
    new URLSearchParams(window.location.search).getAll("hide").forEach(function (slug) {
      self.hidden[slug] = true;
    });
    // A shared link with #map=ZOOM/LAT/LON restores that view instead of fitting the data.
    this.keepView = /^#map=/.test(window.location.hash);
    this.index = null;
    this.request = null;
    this.renderer = L.canvas({ padding: 0.3 });
    this.layer = L.layerGroup().addTo(map);
    this.form = document.getElementById(config.formId);
    this.statusBox = document.getElementById(config.statusId);
    this.errorBox = document.getElementById(config.errorsId);
    this.downloadLink = document.getElementById(config.downloadId);
    this.emptyBox = this.buildEmptyMessage();
    this.legend = this.buildLegend();

    map.on("moveend", function () {
      self.render();
    });
    if (this.form) {
      // Applying filters loads the page for them (its chip counts are computed by the server); the
      // view (#map=…), the hidden provinces and the time window stay as they are.
      this.form.addEventListener("submit", function (event) {
        event.preventDefault();
        var params = new URLSearchParams(self.queryFromForm());
        var current = new URLSearchParams(window.location.search);
        (config.viewParams || []).forEach(function (name) {
          current.getAll(name).forEach(function (value) {
            params.append(name, value);
          });
        });
        var query = params.toString();
        window.location.assign(window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      });
      // Ticking a chip applies it at once.
      this.form.addEventListener("change", function (event) {
        if (event.target && event.target.type === "checkbox" && self.form.requestSubmit) self.form.requestSubmit();
      });
    }
    // Back/forward between views of this page (pushState by map-state.js): the URL is the source of
    // truth; data is reloaded only when the filters sent to the API differ.
    window.addEventListener("popstate", function () {
      self.fillForm(window.location.search);
      var query = self.dataQueryFromUrl();
      if (query !== self.loadedQuery) self.load(query);
    });
    this.load(config.dataQuery !== undefined ? config.dataQuery : this.dataQueryFromUrl());
  }

  // The URL's query without the parameters applied in the browser (time window, view state).
  IncidentLayer.prototype.dataQueryFromUrl = function () {
    var skip = (this.config.timeParams || []).concat(this.config.viewParams || []);
    var params = new URLSearchParams();
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (skip.indexOf(key) === -1 && value.trim() !== "") params.append(key, value);
    });
    return params.toString();
  };

  IncidentLayer.prototype.on = function (name, callback) {
    this.listeners[name].push(callback);
  };

  IncidentLayer.prototype.emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    var self = this;
    this.listeners[name].forEach(function (callback) {
      callback.apply(self, args);
    });
  };

  IncidentLayer.prototype.queryFromForm = function () {
    var params = new URLSearchParams();
    new FormData(this.form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") params.append(key, value.trim());
    });
    return params.toString();
  };

  IncidentLayer.prototype.fillForm = function (search) {
    if (!this.form) return;
    var params = new URLSearchParams(search);
    Array.prototype.forEach.call(this.form.elements, function (field) {
      if (!field.name) return;
      var values = params.getAll(field.name);
      if (field.type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.type !== "submit" && field.type !== "button") {
        field.value = values.length ? values[0] : "";
      }
    });
  };

  IncidentLayer.prototype.setStatus = function (state, text) {
    this.container.setAttribute("data-state", state);
    if (this.statusBox) this.statusBox.textContent = text;
  };

  IncidentLayer.prototype.showErrors = function (errors) {
    var box = this.errorBox;
    if (!box) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    var names = Object.keys(errors || {});
    box.hidden = names.length === 0;
    if (this.form) {
      Array.prototype.forEach.call(this.form.elements, function (field) {
        if (field.name) field.removeAttribute("aria-invalid");
      });
    }
    if (!names.length) return;
    var list = el("ul");
    names.forEach(function (name) {
      var messages = [].concat(errors[name]);
      list.appendChild(el("li", null, name + ": " + messages.join(" ")));
    });
    box.appendChild(list);
    if (this.form) {
      names.forEach(function (name) {
        var field = this.form.elements.namedItem(name);
        if (field && field.setAttribute) field.setAttribute("aria-invalid", "true");
      }, this);
    }
  };

  IncidentLayer.prototype.load = function (query) {
    var self = this;
    if (this.request) this.request.abort();
    this.loadedQuery = query;
    var controller = new AbortController();
    this.request = controller;
    this.setStatus("loading", "Loading incidents\u2026");
    // The download link offers every property; the map itself loads only what it draws.
    if (this.downloadLink) this.downloadLink.href = this.config.apiUrl + (query ? "?" + query : "");
    var url = this.config.mapDataUrl + (query ? "?" + query : "");
    // Same URL, mode and credentials as the page's <link rel="preload">, so the first load reuses it.
    return fetch(url, { signal: controller.signal, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      })
      .then(function (result) {
        if (controller.signal.aborted) return;
        mark("data-received");
        if (!result.ok) {
          // The live error list replaces the one the server rendered with the page.
          var served = self.form && self.form.querySelector(".error-box");
          if (served) served.parentNode.removeChild(served);
          self.setData([], 0);
          self.emptyBox.hidden = true; // the filters are wrong, not the data: say so instead
          self.showErrors(result.body.errors || { request: result.body.error || "HTTP " + result.status });
          self.setStatus("error", result.body.error || "The filters could not be applied.");
          return;
        }
        self.showErrors({});
        self.setData(decodeMapData(result.body), result.body.without_coordinates || 0);
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        self.setStatus("error", "Could not load incidents (" + error.message + ").");
      });
  };

  IncidentLayer.prototype.setData = function (features, withoutCoordinates) {
    this.features = features;
    this.indexDates();
    this.details = {}; // popup details are refetched after every load, so they are never stale
    this.withoutCoordinates = withoutCoordinates;
    this.updateLegendCounts();
    this.index = null; // fit the view first, then cluster and draw once for it
    this.emit("data", features);
    if (!this.keepView) this.fitToData();
    this.keepView = false; // later loads (new filters) fit their data
    this.rebuildIndex();
    var shown = features.length;
    var synthetic = 0;
    for (var i = 0; i < shown; i++) if (features[i].properties.synthetic) synthetic++;
    var text = shown === 1 ? "1 incident on the map" : shown.toLocaleString("en") + " incidents on the map";
    if (synthetic) text += " (" + synthetic.toLocaleString("en") + " of them SYNTHETIC test data, not real events)";
    if (withoutCoordinates) {
      text += "; " + withoutCoordinates.toLocaleString("en") + " more match but have no coordinates";
    }
    this.emptyBox.hidden = shown !== 0;
    this.container.setAttribute("data-feature-count", String(shown));
    this.setStatus(shown ? "loaded" : "empty", shown ? text + "." : "No incidents match.");
  };

  // Day number (days since 1970-01-01, UTC) of an ISO date, without building Date objects.
  function dayNumber(iso) {
    var y = +iso.slice(0, 4), m = +iso.slice(5, 7), d = +iso.slice(8, 10);
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400);
    var yoe = y - era * 400;
    var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  // Sort once by date so a time window is two binary searches, not a pass over every feature.
  IncidentLayer.prototype.indexDates = function () {
    var dated = [];
    for (var i = 0; i < this.features.length; i++) {
      var day = this.features[i].properties.day;
      if (typeof day === "number") dated.push({ day: day, feature: this.features[i] });
    }
    dated.sort(function (a, b) {
      return a.day - b.day;
    });
    this.byDate = new Array(dated.length);
    this.days = new Array(dated.length);
    for (var j = 0; j < dated.length; j++) {
      this.byDate[j] = dated[j].feature;
      this.days[j] = dated[j].day;
    }
  };

  function lowerBound(days, value) {
    var lo = 0, hi = days.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (days[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  IncidentLayer.prototype.visibleFeatures = function () {
    var hidden = this.hidden;
    var source = this.features;
    if (this.timeWindow) {
      source = this.byDate.slice(
        lowerBound(this.days, this.timeWindow.from),
        lowerBound(this.days, this.timeWindow.to + 1)
      );
    }
    var anyHidden = Object.keys(hidden).length > 0;
    if (!anyHidden) return source;
    return source.filter(function (feature) {
      return !hidden[feature.properties.province || ""];
    });
  };

  // The time control sets the window ({from, to} day numbers, inclusive; null = all dates).
  IncidentLayer.prototype.setTimeWindow = function (window_) {
    this.timeWindow = window_;
    if (this.features.length) this.rebuildIndex();
  };

  IncidentLayer.prototype.rebuildIndex = function () {
    var visible = this.visibleFeatures();
    this.index = new window.Supercluster({
      radius: 55,
      maxZoom: 13,
      // Clusters remember whether all their incidents share a province (to colour them) and the casualties.
      map: function (props) {
        return { province: props.province || "", casualties: casualties(props) };
      },
      reduce: function (accumulated, props) {
        if (accumulated.province !== props.province) accumulated.province = "*";
        accumulated.casualties += props.casualties;
      },
    }).load(visible);
    this.container.setAttribute("data-visible-count", String(visible.length));
    this.render();
    this.emit("render");
  };

  IncidentLayer.prototype.fitToData = function () {
    var features = this.visibleFeatures();
    if (!features.length) return;
    var minLon = 180, minLat = 90, maxLon = -180, maxLat = -90;
    for (var i = 0; i < features.length; i++) {
      var c = features[i].geometry.coordinates;
      if (c[0] < minLon) minLon = c[0];
      if (c[0] > maxLon) maxLon = c[0];
      if (c[1] < minLat) minLat = c[1];
      if (c[1] > maxLat) maxLat = c[1];
    }
    this.map.fitBounds(
      [
        [minLat, minLon],
        [maxLat, maxLon],
      ],
      { paddingTopLeft: [50, 30], paddingBottomRight: [30, 30], maxZoom: 6, animate: false } // clear of the zoom buttons
    );
  };

  IncidentLayer.prototype.colorOf = function (slug) {
    if (slug === "*") return MIXED_COLOR;
    var province = this.provinceBySlug[slug];
    return province ? safeColor(province.color) : FALLBACK_COLOR;
  };

  IncidentLayer.prototype.render = function () {
    var self = this;
    this.layer.clearLayers();
    if (!this.index) return;
    var bounds = this.map.getBounds();
    var west = bounds.getWest(), east = bounds.getEast();
    // supercluster wants longitudes within [-180, 180]; a wrapped or very wide view asks for everything.
    if (east - west >= 360) {
      west = -180;
      east = 180;
    }
    var clusters = this.index.getClusters(
      [Math.max(west, -180), Math.max(bounds.getSouth(), -90), Math.min(east, 180), Math.min(bounds.getNorth(), 90)],
      Math.round(this.map.getZoom())
    );
    clusters.forEach(function (item) {
      var coords = item.geometry.coordinates;
      var latlng = [coords[1], coords[0]];
      if (item.properties.cluster) {
        self.layer.addLayer(self.clusterMarker(item, latlng));
      } else {
        self.layer.addLayer(self.incidentMarker(item, latlng));
      }
    });
    this.container.setAttribute("data-rendered", String(clusters.length));
    if (clusters.length) mark("markers-drawn");
  };

  IncidentLayer.prototype.clusterMarker = function (cluster, latlng) {
    var self = this;
    var count = cluster.properties.point_count;
    var size = Math.round(26 + Math.min(26, 6 * Math.log10(count)));
    var icon = el("div", "ipw-cluster", cluster.properties.point_count_abbreviated);
    icon.style.backgroundColor = this.colorOf(cluster.properties.province);
    icon.style.width = icon.style.height = icon.style.lineHeight = size + "px";
    var marker = L.marker(latlng, {
      icon: L.divIcon({ html: icon, className: "ipw-cluster-icon", iconSize: [size, size] }),
      title: count + " incidents",
      keyboard: true,
    });
    marker.on("click", function () {
      var zoom = self.index.getClusterExpansionZoom(cluster.properties.cluster_id);
      if (zoom > self.index.options.maxZoom || zoom > self.map.getMaxZoom()) {
        // Incidents at the same spot never separate: list them instead of zooming.
        self.openDetailsPopup(latlng, size / 2, self.index.getLeaves(cluster.properties.cluster_id, 50), cluster);
      } else {
        self.map.setView(latlng, zoom);
      }
    });
    return marker;
  };

  // Popups belong to the map, not to a marker: markers are redrawn on every move (including the
  // popup's own auto-pan), which would otherwise close them.
  IncidentLayer.prototype.openPopup = function (latlng, content, markerRadius) {
    return L.popup({ maxWidth: 340, offset: [0, 7 - markerRadius], autoPanPaddingTopLeft: [50, 20] })
      .setLatLng(latlng)
      .setContent(content)
      .openOn(this.map);
  };

  // Popups show the full properties of their incidents, fetched by id when first opened.
  IncidentLayer.prototype.fetchDetails = function (ids) {
    var self = this;
    this.details = this.details || {};
    var missing = ids.filter(function (id) {
      return !self.details[id];
    });
    if (!missing.length) return Promise.resolve();
    return fetch(this.config.apiUrl + "?id=" + missing.join(","), {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (collection) {
        collection.features.forEach(function (feature) {
          self.details[feature.id] = feature.properties;
        });
      });
  };

  IncidentLayer.prototype.openDetailsPopup = function (latlng, markerRadius, features, cluster) {
    var self = this;
    var ids = features.map(function (feature) {
      return feature.id;
    });
    var popup = this.openPopup(latlng, el("p", "ipw-popup-loading", "Loading\u2026"), markerRadius);
    this.fetchDetails(ids)
      .then(function () {
        var found = ids.filter(function (id) {
          return self.details[id];
        });
        if (!found.length) throw new Error("no longer published");
        popup.setContent(
          cluster ? self.clusterPopup(cluster, found) : self.incidentPopup(self.details[found[0]])
        );
      })
      .catch(function (error) {
        popup.setContent(el("p", "ipw-popup-note", "Could not load this incident (" + error.message + ")."));
      });
  };

  IncidentLayer.prototype.clusterPopup = function (cluster, ids) {
    var self = this;
    var box = el("div", "ipw-popup");
    box.appendChild(el("p", "ipw-popup-title", cluster.properties.point_count + " incidents at this location"));
    var list = el("ul", "ipw-popup-list");
    ids = ids.slice().sort(function (a, b) {
      return self.details[a].date < self.details[b].date ? -1 : self.details[a].date > self.details[b].date ? 1 : 0;
    });
    ids.forEach(function (id) {
      var props = self.details[id];
      var item = el("li");
      var text =
        (props.date_display || formatDate(props.date, props.date_precision)) + " \u2013 " + (props.place || "unknown place");
      if (props.synthetic) text += " (synthetic)";
      var link = el("a", null, text);
      var href = safeHref(props.url);
      if (href) link.href = href;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    if (cluster.properties.point_count > ids.length) {
      box.appendChild(
        el("p", "ipw-popup-note", "Showing the first " + ids.length + "; zoom in or filter to see the rest.")
      );
    }
    return box;
  };

  IncidentLayer.prototype.incidentMarker = function (feature, latlng) {
    var self = this;
    var props = feature.properties;
    var color = this.colorOf(props.province || "");
    var approximate = APPROXIMATE[props.location_precision] === true;
    var marker = L.circleMarker(latlng, {
      renderer: this.renderer,
      radius: radiusFor(casualties(props)),
      color: color,
      weight: approximate ? 2.5 : 1,
      opacity: 1,
      fillColor: color,
      // Hollow (nearly transparent, still clickable) when only the district/province is known.
      fillOpacity: approximate ? 0.05 : 0.75,
      dashArray: approximate ? "4 3" : null,
    });
    marker.feature = feature;
    marker.on("click", function () {
      self.openDetailsPopup(latlng, marker.getRadius(), [feature], null);
    });
    return marker;
  };

  IncidentLayer.prototype.incidentPopup = function (props) {
    var labels = this.config.labels;
    var box = el("div", "ipw-popup");
    if (props.synthetic) box.appendChild(el("p", "badge synthetic", "SYNTHETIC \u2014 not a real event"));
    box.appendChild(el("p", "ipw-popup-title", props.date_display || formatDate(props.date, props.date_precision)));
    var place = props.place || "Unknown place";
    if (props.country) place += " (" + props.country + ")";
    box.appendChild(el("p", "ipw-popup-place", place));

    var facts = el("dl", "ipw-popup-facts");
    function fact(term, value) {
      facts.appendChild(el("dt", null, term));
      facts.appendChild(el("dd", null, value));
    }
    fact("Province", props.province_name || "Not assigned");
    fact("Type", labels.incident_type[props.incident_type] || props.incident_type || "\u2014");
    fact("Claim", labels.claim_status[props.claim_status] || props.claim_status || "\u2014");
    box.appendChild(facts);

    // Claimed figures (the group's own statements) next to independently reported ones.
    var table = el("table", "ipw-figures");
    var head = el("tr");
    head.appendChild(el("th", null, ""));
    head.appendChild(el("th", null, "Claimed"));
    head.appendChild(el("th", null, "Independent"));
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    function row(label, claimed, independent) {
      var tr = el("tr");
      tr.appendChild(el("th", null, label));
      tr.appendChild(el("td", null, figure(claimed)));
      tr.appendChild(el("td", null, figure(independent)));
      body.appendChild(tr);
    }
    row("Killed", props.claimed_killed, props.killed);
    row("Wounded", props.claimed_wounded, props.wounded);
    if (props.claimed_killed_or_wounded !== null && props.claimed_killed_or_wounded !== undefined) {
      row("Killed or wounded", props.claimed_killed_or_wounded, null);
    }
    box.appendChild(table);

    if (APPROXIMATE[props.location_precision]) {
      var level = labels.location_precision[props.location_precision] || props.location_precision;
      box.appendChild(
        el(
          "p",
          "ipw-popup-note",
          "Location known only to " + level.toLowerCase() + " level: the marker shows the area, not the exact spot."
        )
      );
    }
    var href = safeHref(props.url);
    if (href) {
      var link = el("a", "ipw-popup-link", "Incident page \u203a");
      link.href = href;
      box.appendChild(link);
    }
    return box;
  };

  IncidentLayer.prototype.buildEmptyMessage = function () {
    var box = el("div", "ipw-empty", "No incidents match.");
    box.setAttribute("role", "status");
    box.hidden = true;
    this.container.appendChild(box);
    return box;
  };

  // The legend sits under the map (so it never hides markers); its province checkboxes are the
  // layer toggles.
  IncidentLayer.prototype.buildLegend = function () {
    var self = this;
    var box = document.getElementById(this.config.legendId);
    if (!box) return null;
    var provinces = el("fieldset", "ipw-legend-provinces");
    provinces.appendChild(el("legend", null, "Provinces (untick to hide)"));
    var list = el("ul");
    this.legendRows = {};
    var entries = this.config.provinces.concat([{ slug: "", name: "No province", color: FALLBACK_COLOR }]);
    entries.forEach(function (province) {
      var item = el("li");
      var label = el("label");
      var checkbox = el("input");
      checkbox.type = "checkbox";
      checkbox.checked = !self.hidden[province.slug];
      checkbox.value = province.slug;
      checkbox.name = "hide-toggle";
      checkbox.addEventListener("change", function () {
        if (checkbox.checked) delete self.hidden[province.slug];
        else self.hidden[province.slug] = true;
        self.rebuildIndex();
        self.emit("hidden", Object.keys(self.hidden));
      });
      var swatch = el("span", "ipw-swatch");
      swatch.style.backgroundColor = safeColor(province.color);
      var count = el("span", "ipw-legend-count", "");
      label.appendChild(checkbox);
      label.appendChild(swatch);
      label.appendChild(el("span", "ipw-legend-name", province.name));
      label.appendChild(count);
      item.appendChild(label);
      item.hidden = true; // shown once the data has incidents in this province
      list.appendChild(item);
      self.legendRows[province.slug] = { item: item, count: count };
    });
    provinces.appendChild(list);
    box.appendChild(provinces);

    var key = el("div", "ipw-legend-key");
    key.appendChild(el("span", "ipw-legend-title", "Killed + wounded:"));
    [0, 10, 50].forEach(function (total) {
      var item = el("span", "ipw-legend-size");
      var dot = el("span", "ipw-dot");
      var diameter = Math.round(2 * radiusFor(total));
      dot.style.width = dot.style.height = diameter + "px";
      item.appendChild(dot);
      item.appendChild(el("span", null, total === 50 ? "50 or more" : String(total)));
      key.appendChild(item);
    });
    var hollow = el("span", "ipw-legend-size");
    hollow.appendChild(el("span", "ipw-dot ipw-dot-hollow"));
    hollow.appendChild(el("span", null, "location known only to district or province"));
    key.appendChild(hollow);
    var mixed = el("span", "ipw-legend-size");
    var mixedDot = el("span", "ipw-dot");
    mixedDot.style.width = mixedDot.style.height = "16px";
    mixedDot.style.backgroundColor = MIXED_COLOR;
    mixed.appendChild(mixedDot);
    mixed.appendChild(el("span", null, "cluster of several provinces"));
    key.appendChild(mixed);
    box.appendChild(key);
    return box;
  };

  IncidentLayer.prototype.updateLegendCounts = function () {
    var counts = {};
    this.features.forEach(function (feature) {
      var slug = feature.properties.province || "";
      counts[slug] = (counts[slug] || 0) + 1;
    });
    var rows = this.legendRows || {};
    Object.keys(rows).forEach(function (slug) {
      var n = counts[slug] || 0;
      rows[slug].count.textContent = n.toLocaleString("en");
      rows[slug].item.hidden = n === 0;
    });
  };

  function attachIncidents(map, configElementId) {
    var config = JSON.parse(document.getElementById(configElementId).textContent);
    var layer = new IncidentLayer(map, config);
    window.ipwatchIncidentLayer = layer; // handy for debugging and browser tests
    return layer;
  }

  window.IpwatchMap = {
    addOfflineBasemap: addOfflineBasemap,
    attachIncidents: attachIncidents,
    formatDate: formatDate,
    dayNumber: dayNumber,
  };
})();
