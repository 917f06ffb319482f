/* Place admin: a map (vendored Leaflet, offline Natural Earth outlines) with a draggable pin.
 * Dropping or dragging the pin fills latitude and longitude (geocoder: entered by an editor);
 * typing coordinates, or picking a suggestion, moves the pin. The gazetteer's choice for the name
 * and country typed, and its alternatives, are drawn as circles and listed under the map; clicking
 * one puts the pin there. Text from the server is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function km(a, b) {
    return (L.latLng(a).distanceTo(L.latLng(b)) / 1000);
  }

  function init() {
    var element = byId("place-pin-map");
    if (!element || !window.L) return;
    var lat = byId("id_latitude"), lon = byId("id_longitude"), name = byId("id_name"), country = byId("id_country");
    var geocoder = byId("id_geocoder"), gazetteerId = byId("id_gazetteer_id"), precision = byId("id_location_precision");
    var status = byId("place-pin-status"), list = byId("place-pin-choices");
    L.Icon.Default.imagePath = element.getAttribute("data-icon-path");
    var map = L.map(element, { worldCopyJump: true, scrollWheelZoom: true });
    map.attributionControl.setPrefix(false);
    map.setView([27, 20], 4);
    // The admin lays the form out after this script runs: measure the map again once it has.
    setTimeout(function () { map.invalidateSize(); element.setAttribute("data-ready", "1"); }, 50);

    window.ipwatchCountryOutlines(map, element, { color: "#7d8b99", weight: 0.7, fillColor: "#eef1f4", fillOpacity: 1 });

    var pin = null;
    var choice = null;  // the gazetteer's best answer for the name typed
    var choices = L.layerGroup().addTo(map);

    function current() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      return isNaN(a) || isNaN(b) ? null : [a, b];
    }

    function describe() {
      var here = current();
      var text = here ? "Pin at " + here[0].toFixed(5) + ", " + here[1].toFixed(5) + "." :
        "No coordinates yet: click the map to drop a pin, then drag it to the place.";
      if (here && choice) {
        text += " The gazetteer's choice (" + choice.name + ") is " + km(here, [choice.lat, choice.lon]).toFixed(1) + " km away.";
      }
      status.textContent = text;
    }

    function setField(field, value) {
      if (!field) return;
      field.value = value;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function showPin(latlng) {
      if (!pin) {
        pin = L.marker(latlng, { draggable: true, keyboard: true, title: "Drag the pin to the place", alt: "Place pin" }).addTo(map);
        pin.on("dragend", function () { fill(pin.getLatLng(), "manual"); });
      } else {
        pin.setLatLng(latlng);
      }
    }

    function fill(latlng, how, match) {
      var wrapped = L.latLng(latlng).wrap();
      showPin(wrapped);
      setField(lat, wrapped.lat.toFixed(5));
      setField(lon, wrapped.lng.toFixed(5));
      if (how === "manual") {
        setField(geocoder, "manual");
        if (gazetteerId) setField(gazetteerId, "");
      } else if (match) {
        setField(geocoder, "gazetteer");
        setField(gazetteerId, match.source);
        if (precision && !precision.value) setField(precision, "near");
      }
      describe();
    }

    function drawChoices(answer) {
      choices.clearLayers();
      list.textContent = "";
      choice = answer && answer.name ? answer : null;
      var all = [];
      if (choice) all.push({ match: choice, label: "Gazetteer's choice", color: "#0b5394" });
      ((answer && answer.alternatives) || []).forEach(function (alt) {
        all.push({ match: alt, label: "Alternative", color: "#8a6d00" });
      });
      all.forEach(function (item) {
        var m = item.match;
        var circle = L.circleMarker([m.lat, m.lon], { radius: 7, color: item.color, weight: 2, fillOpacity: 0.35 }).addTo(choices);
        var tip = document.createElement("span");
        tip.textContent = item.label + ": " + m.name + " (" + m.country + (m.admin1 ? ", " + m.admin1 : "") + ")";
        circle.bindTooltip(tip);
        circle.on("click", function () { fill([m.lat, m.lon], "gazetteer", m); });
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button place-pin-choice";
        button.textContent = item.label + ": " + m.name + " (" + m.country + (m.admin1 ? ", " + m.admin1 : "") + ") " +
          m.lat.toFixed(4) + ", " + m.lon.toFixed(4);
        button.addEventListener("click", function () { fill([m.lat, m.lon], "gazetteer", m); map.setView([m.lat, m.lon], 9); });
        li.appendChild(button);
        list.appendChild(li);
      });
      if (answer && answer.ambiguous) {
        var note = document.createElement("li");
        note.textContent = "Ambiguous name: check which one is meant.";
        list.appendChild(note);
      }
      if (!current() && choice) map.setView([choice.lat, choice.lon], 8);
      describe();
    }

    var lookup = debounce(function () {
      var text = (name.value || "").trim();
      if (text.length < 2) { drawChoices(null); return; }
      var params = new URLSearchParams({ q: text, limit: "1" });
      if (country && country.value.trim()) params.set("country", country.value.trim().toUpperCase());
      fetch(element.getAttribute("data-suggest-url") + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { drawChoices(data ? data.geocode : null); })
        .catch(function () {});
    }, 300);

    map.on("click", function (event) { fill(event.latlng, "manual"); });
    [lat, lon].forEach(function (field) {
      field.addEventListener("change", function () {
        var here = current();
        if (here) { showPin(here); describe(); }
      });
    });
    name.addEventListener("input", lookup);
    name.addEventListener("change", lookup);
    if (country) country.addEventListener("input", lookup);

    var start = current();
    if (start) {
      showPin(start);
      map.setView(start, 9);
    }
    describe();
    if ((name.value || "").trim()) lookup();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
