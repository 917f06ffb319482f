/*
 * ipwatch map view state and time control (client side of /map/, next to incident-map.js).
 *
 *   IpwatchMapView.attach(map, incidentLayer, timeControlElementId)
 *
 * - The view lives in the URL as #map=ZOOM/LAT/LON (the OpenStreetMap convention); the filters, the
 *   time window (since/until) and the provinces hidden from the legend (hide=) in the query string.
 *   Opening a copied URL restores exactly what was shown; back/forward step through time-window
 *   changes (pushState), while panning only rewrites the current entry (replaceState).
 * - The time control: a histogram of the loaded incidents per day/week/month with a window over it.
 *   Drag either end or the window itself, or play/step it; the markers follow without a reload
 *   (IncidentLayer.setTimeWindow filters the loaded features by date in the browser).
 *
 * Dates are compared as stored: an incident known only to the month or year counts on the first day
 * of that period (as the API's since/until filters do).
 */
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var PLAY_INTERVAL_MS = 800;
  var SVG_NS = "http://www.w3.org/2000/svg";

  function isoOf(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function dayOf(iso) {
    return /^\d{4}-\d{2}-\d{2}$/.test(iso || "") ? window.IpwatchMap.dayNumber(iso) : null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(className, text, label) {
    var node = el("button", "ipw-time-button " + className, text);
    node.type = "button";
    node.setAttribute("aria-label", label);
    node.title = label;
    return node;
  }

  /* ------------------------------------------------------------------ #map=ZOOM/LAT/LON */

  function parseHash(hash) {
    var match = /^#map=(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(hash || "");
    if (!match) return null;
    var zoom = +match[1], lat = +match[2], lon = +match[3];
    if (lat < -90 || lat > 90 || lon < -180 || lon > 360) return null;
    return { zoom: zoom, lat: lat, lon: lon };
  }

  function formatHash(map) {
    var zoom = Math.round(map.getZoom());
    var center = map.getCenter();
    // As openstreetmap.org: more decimals as the zoom grows (≈ one pixel).
    var digits = Math.max(0, Math.ceil(Math.log(Math.pow(2, zoom)) / Math.LN2 / 3.3));
    digits = Math.min(5, Math.max(2, digits));
    return "#map=" + zoom + "/" + center.lat.toFixed(digits) + "/" + center.wrap().lng.toFixed(digits);
  }

  /* ------------------------------------------------------------------ time bins */

  // Bins covering [first, last] day: days for short spans, weeks, or calendar months.
  function makeBins(first, last) {
    var span = last - first + 1;
    var bins = [];
    if (span > 3 * 366) {
      var start = new Date(first * DAY_MS);
      var y = start.getUTCFullYear(), m = start.getUTCMonth();
      for (;;) {
        var from = Date.UTC(y, m, 1) / DAY_MS;
        if (from > last) break;
        m += 1;
        if (m === 12) {
          m = 0;
          y += 1;
        }
        bins.push({ from: from, to: Date.UTC(y, m, 1) / DAY_MS - 1, unit: "month" });
      }
    } else {
      var size = span > 120 ? 7 : 1;
      for (var d = first; d <= last; d += size) bins.push({ from: d, to: d + size - 1, unit: size === 7 ? "week" : "day" });
    }
    return bins;
  }

  function binIndex(bins, day) {
    for (var i = 0; i < bins.length; i++) if (day <= bins[i].to) return i;
    return bins.length - 1;
  }

  /* ------------------------------------------------------------------ the view */

  function MapView(map, layer, controlId) {
    var self = this;
    this.map = map;
    this.layer = layer;
    this.box = document.getElementById(controlId);
    this.bins = [];
    this.from = null; // day numbers of the window, inclusive; null: all dates
    this.to = null;
    this.timer = null;

    var view = parseHash(window.location.hash);
    if (view) map.setView([view.lat, view.lon], view.zoom, { animate: false });

    map.on("moveend", function () {
      self.writeUrl(false);
    });
    layer.on("data", function (features) {
      self.buildControl(features);
    });
    layer.on("hidden", function () {
      self.drawHistogram();
      self.writeUrl(true);
    });
    window.addEventListener("popstate", function () {
      self.restoreFromUrl();
    });
    window.addEventListener("hashchange", function () {
      var next = parseHash(window.location.hash);
      if (next) map.setView([next.lat, next.lon], next.zoom);
    });
  }

  // The URL for the current state; `push` adds a history entry (a deliberate change), otherwise the
  // current entry is rewritten (panning, dragging).
  MapView.prototype.writeUrl = function (push) {
    var params = new URLSearchParams(window.location.search);
    ["since", "until", "hide"].forEach(function (name) {
      params.delete(name);
    });
    if (this.from !== null && this.bins.length) {
      params.set("since", isoOf(this.from));
      params.set("until", isoOf(this.to));
    } else {
      // No data yet (or none dated): keep what the URL asked for.
      var current = new URLSearchParams(window.location.search);
      ["since", "until"].forEach(function (name) {
        if (current.get(name)) params.set(name, current.get(name));
      });
    }
    Object.keys(this.layer.hidden)
      .sort()
      .forEach(function (slug) {
        params.append("hide", slug);
      });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + formatHash(this.map);
    if (url === window.location.pathname + window.location.search + window.location.hash) return;
    if (push) window.history.pushState({ ipwatchMap: true }, "", url);
    else window.history.replaceState(window.history.state, "", url);
    var download = this.layer.downloadLink;
    if (download) {
      var api = new URLSearchParams(params);
      api.delete("hide");
      download.href = this.layer.config.apiUrl + (api.toString() ? "?" + api.toString() : "");
    }
  };

  MapView.prototype.restoreFromUrl = function () {
    var params = new URLSearchParams(window.location.search);
    var hidden = {};
    params.getAll("hide").forEach(function (slug) {
      hidden[slug] = true;
    });
    this.layer.hidden = hidden;
    var legend = this.layer.legend;
    if (legend) {
      Array.prototype.forEach.call(legend.querySelectorAll("input[type=checkbox]"), function (box) {
        box.checked = !hidden[box.value];
      });
    }
    this.setWindowFromUrl();
    this.applyWindow("none");
    var view = parseHash(window.location.hash);
    if (view) this.map.setView([view.lat, view.lon], view.zoom, { animate: false });
  };

  MapView.prototype.setWindowFromUrl = function () {
    var params = new URLSearchParams(window.location.search);
    if (!this.bins.length) return;
    var first = this.bins[0].from, last = this.bins[this.bins.length - 1].to;
    var since = dayOf(params.get("since")), until = dayOf(params.get("until"));
    if (since === null && until === null) {
      this.from = this.to = null;
      return;
    }
    // Kept as given (not clamped to the data), so the URL stays exactly what was shared.
    this.from = since === null ? Math.min(first, until) : since;
    this.to = until === null ? Math.max(last, since) : until;
    if (this.to < this.from) this.to = this.from;
  };

  /* ------------------------------------------------------------------ the time control */

  MapView.prototype.buildControl = function (features) {
    var box = this.box;
    if (!box) return;
    this.stop();
    var days = this.layer.days;
    while (box.firstChild) box.removeChild(box.firstChild);
    if (!days.length) {
      box.hidden = true;
      this.bins = [];
      return;
    }
    this.bins = makeBins(days[0], days[days.length - 1]);
    box.hidden = false;
    var self = this;

    var head = el("div", "ipw-time-head");
    head.appendChild(el("span", "ipw-time-title", "Time"));
    this.playButton = button("ipw-time-play", "\u25b6 Play", "Play: move the window forward step by step");
    this.backButton = button("ipw-time-back", "\u00ab", "Step the window back");
    this.forwardButton = button("ipw-time-forward", "\u00bb", "Step the window forward");
    this.allButton = button("ipw-time-all", "All dates", "Show all dates");
    this.output = el("output", "ipw-time-range");
    this.output.setAttribute("aria-live", "polite");
    [this.backButton, this.playButton, this.forwardButton, this.output, this.allButton].forEach(function (node) {
      head.appendChild(node);
    });
    box.appendChild(head);

    var track = (this.track = el("div", "ipw-time-track"));
    this.svg = document.createElementNS(SVG_NS, "svg");
    this.svg.setAttribute("class", "ipw-time-histogram");
    this.svg.setAttribute("viewBox", "0 0 " + this.bins.length + " 100");
    this.svg.setAttribute("preserveAspectRatio", "none");
    this.svg.setAttribute("aria-hidden", "true");
    track.appendChild(this.svg);
    this.band = el("div", "ipw-time-window");
    this.band.title = "Drag to move the time window";
    track.appendChild(this.band);
    this.fromInput = this.rangeInput("ipw-time-from", "Start of the time window");
    this.toInput = this.rangeInput("ipw-time-to", "End of the time window");
    track.appendChild(this.fromInput);
    track.appendChild(this.toInput);
    box.appendChild(track);
    var axis = el("div", "ipw-time-axis");
    axis.appendChild(el("span", null, isoOf(this.bins[0].from)));
    axis.appendChild(el("span", null, isoOf(this.bins[this.bins.length - 1].to)));
    box.appendChild(axis);

    this.playButton.addEventListener("click", function () {
      if (self.timer) self.stop();
      else self.play();
    });
    this.backButton.addEventListener("click", function () {
      self.stop();
      self.step(-1, true);
    });
    this.forwardButton.addEventListener("click", function () {
      self.stop();
      self.step(1, true);
    });
    this.allButton.addEventListener("click", function () {
      self.stop();
      self.from = self.to = null;
      self.applyWindow(true);
    });
    this.fromInput.addEventListener("input", function () {
      self.stop();
      var i = +self.fromInput.value, j = +self.toInput.value;
      if (i > j) self.toInput.value = String((j = i));
      self.setBins(i, j, false);
    });
    this.toInput.addEventListener("input", function () {
      self.stop();
      var i = +self.fromInput.value, j = +self.toInput.value;
      if (j < i) self.fromInput.value = String((i = j));
      self.setBins(i, j, false);
    });
    [this.fromInput, this.toInput].forEach(function (input) {
      input.addEventListener("change", function () {
        self.endContinuous();
      });
    });
    this.dragWindow();
    this.setWindowFromUrl();
    this.drawHistogram();
    this.applyWindow(false, true);
  };

  MapView.prototype.rangeInput = function (className, label) {
    var input = el("input", "ipw-time-handle " + className);
    input.type = "range";
    input.min = "0";
    input.max = String(this.bins.length - 1);
    input.step = "1";
    input.setAttribute("aria-label", label);
    return input;
  };

  MapView.prototype.drawHistogram = function () {
    if (!this.svg) return;
    var bins = this.bins;
    var counts = new Array(bins.length).fill(0);
    var hidden = this.layer.hidden;
    var days = this.layer.days, features = this.layer.byDate;
    var b = 0;
    for (var k = 0; k < days.length; k++) {
      if (hidden[features[k].properties.province || ""]) continue;
      while (b < bins.length - 1 && days[k] > bins[b].to) b++;
      counts[b]++;
    }
    var max = Math.max.apply(null, counts.concat([1]));
    while (this.svg.firstChild) this.svg.removeChild(this.svg.firstChild);
    this.rects = counts.map(function (n, i) {
      var rect = document.createElementNS(SVG_NS, "rect");
      var height = n ? Math.max(4, (n / max) * 100) : 0;
      rect.setAttribute("x", String(i + 0.08));
      rect.setAttribute("width", "0.84");
      rect.setAttribute("y", String(100 - height));
      rect.setAttribute("height", String(height));
      var title = document.createElementNS(SVG_NS, "title");
      title.textContent = isoOf(bins[i].from) + ": " + n + " incident" + (n === 1 ? "" : "s");
      rect.appendChild(title);
      this.svg.appendChild(rect);
      return rect;
    }, this);
    this.counts = counts;
    this.paintWindow();
  };

  MapView.prototype.windowBins = function () {
    if (this.from === null) return [0, this.bins.length - 1];
    return [binIndex(this.bins, this.from), binIndex(this.bins, this.to)];
  };

  MapView.prototype.setBins = function (i, j, push) {
    var last = this.bins.length - 1;
    i = Math.max(0, Math.min(last, i));
    j = Math.max(i, Math.min(last, j));
    if (i === 0 && j === last) {
      this.from = this.to = null;
    } else {
      this.from = this.bins[i].from;
      this.to = this.bins[j].to;
    }
    this.applyWindow(push);
  };

  MapView.prototype.step = function (direction, push) {
    var w = this.windowBins();
    var width = w[1] - w[0];
    var last = this.bins.length - 1;
    if (this.from === null) {
      // From "all dates", stepping starts a window of about a twelfth of the span.
      width = Math.max(0, Math.ceil(this.bins.length / 12) - 1);
      w = direction > 0 ? [0, width] : [last - width, last];
      this.setBins(w[0], w[1], push);
      return true;
    }
    var i = w[0] + direction, j = w[1] + direction;
    if (i < 0 || j > last) return false;
    this.setBins(i, j, push);
    return true;
  };

  MapView.prototype.play = function () {
    var self = this;
    var w = this.windowBins();
    if (this.from === null || w[1] === this.bins.length - 1) {
      var width = this.from === null ? Math.max(0, Math.ceil(this.bins.length / 12) - 1) : w[1] - w[0];
      this.setBins(0, width, false);
    }
    this.playButton.textContent = "Pause";
    this.playButton.setAttribute("aria-label", "Pause");
    this.playButton.title = "Pause";
    this.box.setAttribute("data-playing", "true");
    this.timer = window.setInterval(function () {
      if (!self.step(1, false)) {
        self.stop();
      }
    }, PLAY_INTERVAL_MS);
  };

  MapView.prototype.stop = function () {
    if (!this.timer) return;
    window.clearInterval(this.timer);
    this.timer = null;
    this.playButton.textContent = "\u25b6 Play";
    this.playButton.setAttribute("aria-label", "Play: move the window forward step by step");
    this.playButton.title = "Play";
    this.box.removeAttribute("data-playing");
    this.endContinuous();
  };

  MapView.prototype.paintWindow = function () {
    if (!this.bins.length || !this.band) return;
    var w = this.windowBins();
    var n = this.bins.length;
    this.fromInput.value = String(w[0]);
    this.toInput.value = String(w[1]);
    this.band.style.left = (w[0] / n) * 100 + "%";
    this.band.style.width = ((w[1] - w[0] + 1) / n) * 100 + "%";
    (this.rects || []).forEach(function (rect, i) {
      rect.setAttribute("class", i >= w[0] && i <= w[1] ? "in" : "out");
    });
    var from = this.from === null ? this.bins[0].from : this.from;
    var to = this.to === null ? this.bins[n - 1].to : this.to;
    var shown = this.layer.container.getAttribute("data-visible-count");
    this.output.textContent =
      isoOf(from) +
      " \u2013 " +
      isoOf(to) +
      (this.from === null ? " (all dates)" : "") +
      (shown !== null ? " \u00b7 " + Number(shown).toLocaleString("en") + " shown" : "");
    // The filter form's dates say the same as the window (and go with it when filters are applied).
    var form = this.layer.form;
    if (form) {
      var since = form.elements.namedItem("since"), until = form.elements.namedItem("until");
      if (since) since.value = this.from === null ? "" : isoOf(this.from);
      if (until) until.value = this.to === null ? "" : isoOf(this.to);
    }
    this.box.setAttribute("data-window", this.from === null ? "" : isoOf(this.from) + "/" + isoOf(this.to));
  };

  // Apply the window to the markers and the URL. `push`: true, a deliberate change (a new history
  // entry); false, part of a continuous change (a drag, playback: one entry for all of it);
  // "none", restoring from the URL (nothing written).
  MapView.prototype.applyWindow = function (push, initial) {
    if (window.performance && performance.mark) performance.mark("ipwatch:window-set");
    this.layer.timeWindow = this.from === null ? null : { from: this.from, to: this.to };
    if (!initial) this.layer.setTimeWindow(this.layer.timeWindow);
    this.paintWindow();
    if (initial || push === "none") return;
    if (push === true) {
      this.continuing = false;
      this.writeUrl(true);
    } else {
      this.writeUrl(!this.continuing);
      this.continuing = true;
    }
  };

  MapView.prototype.endContinuous = function () {
    this.continuing = false;
  };

  // Drag the band between the handles to move the whole window.
  MapView.prototype.dragWindow = function () {
    var self = this;
    var start = null;
    this.band.addEventListener("pointerdown", function (event) {
      self.stop();
      var w = self.windowBins();
      start = { x: event.clientX, i: w[0], j: w[1], moved: false };
      self.band.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    this.band.addEventListener("pointermove", function (event) {
      if (!start) return;
      var binWidth = self.track.getBoundingClientRect().width / self.bins.length;
      var shift = Math.round((event.clientX - start.x) / binWidth);
      var last = self.bins.length - 1;
      shift = Math.max(-start.i, Math.min(last - start.j, shift));
      var w = self.windowBins();
      if (w[0] !== start.i + shift) {
        start.moved = true;
        self.setBins(start.i + shift, start.j + shift, false);
      }
    });
    function end() {
      self.endContinuous();
      start = null;
    }
    this.band.addEventListener("pointerup", end);
    this.band.addEventListener("pointercancel", end);
  };

  function attach(map, layer, controlId) {
    L.control.scale({ imperial: false, maxWidth: 140 }).addTo(map);
    var view = new MapView(map, layer, controlId);
    window.ipwatchMapView = view; // for debugging and browser tests
    return view;
  }

  window.IpwatchMapView = { attach: attach, parseHash: parseHash, makeBins: makeBins };
})();
