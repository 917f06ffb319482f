/* Place admin: suggest gazetteer matches while the editor types the name (no third-party code).
 * The name input carries data-geocode-suggest="/geocoding/suggest/"; picking a suggestion fills
 * latitude, longitude, first-level region, gazetteer id, geocoder and precision. All text from the
 * server is inserted with textContent (never as HTML). */
(function () {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function setValue(id, value) {
    var field = byId(id);
    if (field && value !== undefined && value !== null) {
      field.value = value;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function init() {
    var nameInput = document.querySelector("input[data-geocode-suggest]");
    if (!nameInput) {
      return;
    }
    var url = nameInput.getAttribute("data-geocode-suggest");
    var countryInput = byId("id_country");
    var panel = document.createElement("div");
    panel.className = "geocode-suggest";
    panel.setAttribute("aria-live", "polite");
    var status = document.createElement("p");
    status.className = "geocode-suggest-status";
    var list = document.createElement("ul");
    list.className = "geocode-suggest-list";
    list.setAttribute("role", "listbox");
    panel.appendChild(status);
    panel.appendChild(list);
    // Below the whole field row (the admin lays label and input out side by side in a flex box).
    var anchor = nameInput.closest(".flex-container") || nameInput;
    anchor.insertAdjacentElement("afterend", panel);

    var lastRequest = 0;
    var results = [];
    var active = -1;

    function clear(message) {
      list.textContent = "";
      results = [];
      active = -1;
      status.textContent = message || "";
    }

    function choose(match) {
      if (match.how === "prefix") {
        nameInput.value = match.name; // the editor had only typed the start of it
      }
      setValue("id_latitude", match.lat);
      setValue("id_longitude", match.lon);
      setValue("id_gazetteer_id", match.source);
      setValue("id_geocoder", "gazetteer");
      setValue("id_location_precision", "near");
      var admin1 = byId("id_admin1");
      if (admin1 && !admin1.value && match.admin1) {
        setValue("id_admin1", match.admin1);
      }
      if (countryInput && !countryInput.value) {
        setValue("id_country", match.country);
      }
      clear("Filled in " + match.name + " (" + match.country + ") " + match.lat + ", " + match.lon +
        " from " + match.source + ". Check it before saving.");
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      for (var i = 0; i < items.length; i++) {
        items[i].classList.toggle("active", i === index);
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
    }

    function render(data) {
      clear();
      results = data.results || [];
      if (!results.length) {
        status.textContent = "No gazetteer match for “" + data.query + "”" +
          (data.country ? " in " + data.country : "") + ".";
        return;
      }
      status.textContent = results.length + " gazetteer match" + (results.length > 1 ? "es" : "") +
        " — pick one to fill in the coordinates:";
      results.forEach(function (match, index) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        var title = document.createElement("strong");
        title.textContent = match.name;
        var detail = document.createElement("span");
        detail.textContent = " (" + match.country + (match.admin1 ? ", " + match.admin1 : "") + ") " +
          match.lat.toFixed(4) + ", " + match.lon.toFixed(4);
        var meta = document.createElement("small");
        meta.textContent = " " + match.how + (match.matched && match.matched !== match.name ? " “" + match.matched + "”" : "") +
          " · score " + match.score.toFixed(2) + " · " + match.source;
        item.appendChild(title);
        item.appendChild(detail);
        item.appendChild(meta);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(match);
        });
        item.addEventListener("mouseenter", function () { highlight(index); });
        list.appendChild(item);
      });
    }

    var lookup = debounce(function () {
      var text = nameInput.value.trim();
      if (text.length < 2) {
        clear();
        return;
      }
      var params = new URLSearchParams({ q: text });
      if (countryInput && countryInput.value.trim()) {
        params.set("country", countryInput.value.trim().toUpperCase());
      }
      var requestId = ++lastRequest;
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (requestId !== lastRequest) {
            return; // a newer keystroke already asked again
          }
          if (!answer.ok) {
            clear(answer.body.error || "Suggestions unavailable.");
            return;
          }
          render(answer.body);
        })
        .catch(function () {
          if (requestId === lastRequest) {
            clear("Suggestions unavailable.");
          }
        });
    }, 250);

    nameInput.addEventListener("input", lookup);
    if (countryInput) {
      countryInput.addEventListener("input", lookup);
    }
    nameInput.addEventListener("keydown", function (event) {
      if (!results.length) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // pick the suggestion instead of submitting the form
        choose(results[active]);
      } else if (event.key === "Escape") {
        clear();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
