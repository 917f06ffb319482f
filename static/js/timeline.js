/* /timeline/: stacked incident bars, a killed/wounded panel, milestones as labelled rules, and the
   "date uncertain" band positioned under the axis. Data comes from json_script (escaped) blocks:
   the same payload as /api/timeline.json. No network requests, no eval. */
(function () {
  "use strict";

  var dataElement = document.getElementById("timeline-data");
  if (!dataElement || !window.Chart) {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var context = JSON.parse(document.getElementById("timeline-context").textContent);
  var periods = data.periods;
  var labels = periods.map(function (p) { return p.period; });
  var indexOf = new Map(labels.map(function (label, i) { return [label, i]; }));
  var groupParam = data.group === "type" || data.group === "kind" ? data.group : "province";
  var AXIS_WIDTH = 56; // both panels share one y-axis width so their bars line up
  var MILESTONE_ROWS = Math.min(Math.max(data.milestones.length, 1), 3);
  var MILESTONE_ROW_HEIGHT = 16;
  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function formatDay(iso) {
    var parts = iso.split("-");
    return Number(parts[2]) + " " + months[Number(parts[1]) - 1] + " " + parts[0];
  }

  function periodTitle(index) {
    var p = periods[index];
    if (data.granularity === "week") {
      return p.period + " (" + formatDay(p.since) + " – " + formatDay(p.until) + ")";
    }
    if (data.granularity === "month") {
      return months[Number(p.period.slice(5, 7)) - 1] + " " + p.period.slice(0, 4);
    }
    return p.period;
  }

  // /incidents/ for one period (and group), keeping the other filters; never wider than the view.
  function incidentsLink(since, until, key) {
    var params = new URLSearchParams();
    var narrowGroup = key && key.charAt(0) !== "_";
    context.filters.forEach(function (pair) {
      var name = pair[0];
      var value = pair[1];
      if (name === "since") {
        if (value > since) { since = value; }
        return;
      }
      if (name === "until") {
        if (value < until) { until = value; }
        return;
      }
      if (narrowGroup && name === groupParam) {
        return;
      }
      params.append(name, value);
    });
    var listUrl = context.incidents_url;
    if (narrowGroup && groupParam === "kind") {
      // Attacks are listed on the incident list, every other kind on the activity list.
      if (key !== "attack") {
        listUrl = context.activity_url;
        params.append("kind", key);
      }
    } else if (narrowGroup) {
      params.append(groupParam, key);
    }
    params.append("since", since);
    params.append("until", until);
    return listUrl + "?" + params.toString();
  }

  function dayFraction(iso, since, until) {
    var day = Date.parse(iso);
    var start = Date.parse(since);
    var end = Date.parse(until) + 86400000;
    return Math.min(Math.max((day - start) / (end - start), 0), 1);
  }

  function step(scale) {
    return scale.width / Math.max(labels.length, 1);
  }

  var labelBoxes = []; // drawn milestone labels (for the overlap check in the browser tests)
  var collapsed = []; // milestones drawn as markers, their text shown on hover
  window.ipwatchTimeline = { labelBoxes: labelBoxes, collapsed: collapsed };

  // Milestones: a dashed rule at the day (or the start of a coarser period), a shaded span when the
  // milestone is known less precisely than the bars (e.g. "2016" on a monthly axis).
  var milestonePlugin = {
    id: "ipwatchMilestones",
    afterDatasetsDraw: function (chart, args, options) {
      var x = chart.scales.x;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      var width = step(x);
      var rowEnds = [];
      if (options.labels) {
        labelBoxes.length = 0;
        collapsed.length = 0;
      }
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.textBaseline = "bottom";
      data.milestones.forEach(function (m) {
        var first = indexOf.get(m.first_period);
        var last = indexOf.get(m.last_period);
        if (first === undefined && last === undefined) {
          return;
        }
        first = first === undefined ? 0 : first;
        last = last === undefined ? labels.length - 1 : last;
        var left = x.getPixelForValue(first) - width / 2;
        var right = x.getPixelForValue(last) + width / 2;
        var position = left;
        if (m.first_period !== m.last_period) {
          ctx.fillStyle = "rgba(20, 33, 61, 0.08)";
          ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
        } else if (m.date_precision === "day") {
          position = left + width * dayFraction(m.date, periods[first].since, periods[first].until);
        }
        ctx.strokeStyle = "#14213d";
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 3]);
        ctx.beginPath();
        ctx.moveTo(position, area.top - 2);
        ctx.lineTo(position, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        if (!options.labels) {
          return;
        }

        var text = m.date_display + ": " + m.title;
        var textWidth = ctx.measureText(text).width;
        var textX = Math.max(2, Math.min(position + 3, chart.width - textWidth - 4));
        var row = 0;
        while (row < MILESTONE_ROWS && rowEnds[row] !== undefined && rowEnds[row] > textX) {
          row += 1;
        }
        if (row === MILESTONE_ROWS) {
          // No free row: a numbered marker instead of a label on top of another; hovering it
          // shows the text, and the milestone list under the charts has every milestone.
          collapsed.push({ x: position, y: area.top - 7, text: text });
          ctx.fillStyle = "#14213d";
          ctx.beginPath();
          ctx.arc(position, area.top - 7, 5, 0, 2 * Math.PI);
          ctx.fill();
          return;
        }
        rowEnds[row] = textX + textWidth + 8;
        var textY = area.top - 4 - (MILESTONE_ROWS - 1 - row) * MILESTONE_ROW_HEIGHT;
        labelBoxes.push({ left: textX - 2, right: textX + textWidth + 2, top: textY - 14, bottom: textY + 1, text: text });
        ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
        ctx.fillRect(textX - 2, textY - 14, textWidth + 4, 15);
        ctx.fillStyle = "#14213d";
        ctx.fillText(text, textX, textY);
        ctx.beginPath();
        ctx.moveTo(position, textY);
        ctx.lineTo(position, area.top);
        ctx.stroke();
      });
      ctx.restore();
    },
  };

  // The "date uncertain" bands are links rendered by the server; here they are laid out under the
  // x axis across the periods they cover (a month's weeks, a year's months).
  var strip = document.getElementById("uncertain-strip");
  function layoutBands(chart) {
    if (!strip) {
      return;
    }
    var list = strip.querySelector(".uncertain-bands");
    var x = chart.scales.x;
    var width = step(x);
    var rowEnds = [];
    var rows = 0;
    Array.prototype.forEach.call(list.children, function (item) {
      var first = indexOf.get(item.dataset.first);
      var last = indexOf.get(item.dataset.last);
      first = first === undefined ? 0 : first;
      last = last === undefined ? labels.length - 1 : last;
      var left = x.getPixelForValue(first) - width / 2;
      var right = x.getPixelForValue(last) + width / 2;
      var row = 0;
      while (rowEnds[row] !== undefined && rowEnds[row] > left + 1) {
        row += 1;
      }
      rowEnds[row] = right;
      rows = Math.max(rows, row + 1);
      item.style.left = left + "px";
      item.style.width = Math.max(right - left, 4) + "px";
      item.style.top = row * 1.9 + "em";
    });
    list.style.height = rows * 1.9 + "em";
    strip.classList.add("positioned");
  }

  var bandPlugin = {
    id: "ipwatchUncertainBands",
    afterLayout: function (chart) { layoutBands(chart); },
  };

  function commonOptions(extra) {
    return Object.assign(
      {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        onHover: function (event, elements, chart) {
          chart.canvas.style.cursor = elements.length ? "pointer" : "default";
        },
      },
      extra
    );
  }

  function xAxis(stacked) {
    return {
      stacked: stacked,
      grid: { display: false },
      ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 },
    };
  }

  function yAxis(stacked, title) {
    return {
      stacked: stacked,
      beginAtZero: true,
      title: { display: true, text: title },
      ticks: { precision: 0 },
      afterFit: function (scale) { scale.width = AXIS_WIDTH; },
    };
  }

  // Diagonal hatching, so the grouped "other" stack reads as a different kind of bar.
  function hatch(color) {
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var c = tile.getContext("2d");
    c.fillStyle = color;
    c.fillRect(0, 0, 8, 8);
    c.strokeStyle = "rgba(0, 0, 0, 0.5)";
    c.lineWidth = 1.5;
    c.beginPath();
    c.moveTo(0, 8);
    c.lineTo(8, 0);
    c.moveTo(-2, 2);
    c.lineTo(2, -2);
    c.moveTo(6, 10);
    c.lineTo(10, 6);
    c.stroke();
    return c.createPattern(tile, "repeat");
  }

  function valuesOf(series) {
    var values = new Array(labels.length).fill(0);
    series.points.forEach(function (point) {
      var i = indexOf.get(point.period);
      if (i !== undefined) {
        values[i] = point.incidents;
      }
    });
    return values;
  }

  // Series beyond what colours can distinguish (marked `other` by the server, see
  // ipwatch/core/palette.py) are stacked together as one hatched "other" bar.
  var incidentDatasets = [];
  var others = [];
  data.series.forEach(function (series) {
    if (series.other) {
      others.push(series);
      return;
    }
    incidentDatasets.push({ label: series.label, key: series.key, data: valuesOf(series), backgroundColor: series.color, borderWidth: 0 });
  });
  if (others.length) {
    var otherValues = new Array(labels.length).fill(0);
    var otherParts = others.map(function (series) {
      var values = valuesOf(series);
      values.forEach(function (n, i) { otherValues[i] += n; });
      return { label: series.label, values: values };
    });
    incidentDatasets.push({
      label: "Other " + (data.group === "type" ? "types" : "provinces") + " (" + others.length + ")",
      key: null,
      parts: otherParts,
      data: otherValues,
      backgroundColor: hatch(others[0].color),
      borderWidth: 0,
    });
  }

  // Selecting a span: press on one bar, release on another. The span can then be shown on the map
  // (with the page's filters) or listed.
  var selection = { start: null, first: null, last: null, justSelected: false };
  var selectionPlugin = {
    id: "ipwatchSelection",
    beforeDatasetsDraw: function (chart) {
      if (selection.first === null) {
        return;
      }
      var x = chart.scales.x;
      var width = step(x);
      var area = chart.chartArea;
      chart.ctx.save();
      chart.ctx.fillStyle = "rgba(11, 83, 148, 0.12)";
      var left = x.getPixelForValue(selection.first) - width / 2;
      chart.ctx.fillRect(left, area.top, x.getPixelForValue(selection.last) + width / 2 - left, area.bottom - area.top);
      chart.ctx.restore();
    },
  };

  function mapLink(since, until) {
    var params = new URLSearchParams();
    context.filters.forEach(function (pair) {
      if (pair[0] === "since") {
        if (pair[1] > since) { since = pair[1]; }
        return;
      }
      if (pair[0] === "until") {
        if (pair[1] < until) { until = pair[1]; }
        return;
      }
      params.append(pair[0], pair[1]);
    });
    params.append("since", since);
    params.append("until", until);
    return context.map_url + "?" + params.toString();
  }

  function showSelection() {
    var box = document.getElementById("timeline-selection");
    if (!box) {
      return;
    }
    var since = periods[selection.first].since;
    var until = periods[selection.last].until;
    box.querySelector("[data-span]").textContent = since + " \u2013 " + until;
    box.querySelector("[data-map-link]").href = mapLink(since, until);
    box.querySelector("[data-list-link]").href = incidentsLink(since, until);
    box.hidden = false;
  }

  function indexAt(chart, event) {
    var x = chart.scales.x;
    var rect = chart.canvas.getBoundingClientRect();
    var value = Math.round(x.getValueForPixel(event.clientX - rect.left));
    return Math.max(0, Math.min(labels.length - 1, value));
  }

  var incidentsCanvas = document.getElementById("incidents-chart");
  var incidentsChart = new window.Chart(incidentsCanvas, {
    type: "bar",
    data: { labels: labels, datasets: incidentDatasets },
    plugins: [milestonePlugin, bandPlugin, selectionPlugin],
    options: commonOptions({
      layout: { padding: { top: MILESTONE_ROWS * MILESTONE_ROW_HEIGHT + 6, right: 8 } },
      scales: { x: xAxis(true), y: yAxis(true, context.counted === "records" ? "Records" : "Incidents") },
      plugins: {
        ipwatchMilestones: { labels: true },
        legend: { position: "bottom" },
        tooltip: {
          filter: function (item) { return item.raw > 0; },
          callbacks: {
            title: function (items) { return items.length ? periodTitle(items[0].dataIndex) : ""; },
            label: function (item) {
              var text = item.dataset.label + ": " + item.raw;
              if (item.dataset.parts) {
                var named = item.dataset.parts.filter(function (part) { return part.values[item.dataIndex] > 0; })
                  .map(function (part) { return part.label + " " + part.values[item.dataIndex]; });
                if (named.length) text += " (" + named.join(", ") + ")";
              }
              return text;
            },
            footer: function (items) {
              var total = items.reduce(function (sum, item) { return sum + item.raw; }, 0);
              return "All incidents: " + total + " — click a bar to list them";
            },
          },
        },
      },
      onClick: function (event, elements, chart) {
        if (selection.justSelected) {
          selection.justSelected = false;
          return;
        }
        var hit = chart.getElementsAtEventForMode(event, "nearest", { intersect: true }, false);
        var index;
        var key;
        if (hit.length) {
          index = hit[0].index;
          key = incidentDatasets[hit[0].datasetIndex].key || undefined;
        } else if (elements.length) {
          index = elements[0].index;
        } else {
          return;
        }
        window.location.href = incidentsLink(periods[index].since, periods[index].until, key);
      },
    }),
  });

  // Known figures are drawn; how many incidents had the figure unknown is said in the tooltip
  // (an unknown figure is never a zero).
  var killed = new Array(labels.length).fill(0);
  var wounded = new Array(labels.length).fill(0);
  var unknown = [new Array(labels.length).fill(0), new Array(labels.length).fill(0)];
  data.series.forEach(function (series) {
    series.points.forEach(function (point) {
      var i = indexOf.get(point.period);
      if (i !== undefined) {
        killed[i] += point.killed;
        wounded[i] += point.wounded;
        unknown[0][i] += point.killed_unknown || 0;
        unknown[1][i] += point.wounded_unknown || 0;
      }
    });
  });
  function figureLabel(item) {
    var name = item.datasetIndex === 0 ? "Killed" : "Wounded";
    var missing = unknown[item.datasetIndex][item.dataIndex];
    var known = item.raw;
    if (!missing) { return name + ": " + known; }
    if (!known) { return name + ": unknown (" + missing + " incident" + (missing === 1 ? "" : "s") + ")"; }
    return name + ": ≥ " + known + " (" + missing + " unknown)";
  }
  var casualtiesCanvas = document.getElementById("casualties-chart");
  if (casualtiesCanvas) {
    new window.Chart(casualtiesCanvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: "Killed (best estimate)", data: killed, backgroundColor: "#8c1c13", borderWidth: 0 },
          { label: "Wounded (best estimate)", data: wounded, backgroundColor: "#e59866", borderWidth: 0 },
        ],
      },
      plugins: [milestonePlugin],
      options: commonOptions({
        layout: { padding: { right: 8 } },
        scales: { x: xAxis(false), y: yAxis(false, "People") },
        plugins: {
          ipwatchMilestones: { labels: false },
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? periodTitle(items[0].dataIndex) : ""; },
              label: figureLabel,
              footer: function () { return "Click to list the incidents"; },
            },
          },
        },
        onClick: function (event, elements) {
          if (elements.length) {
            var p = periods[elements[0].index];
            window.location.href = incidentsLink(p.since, p.until);
          }
        },
      }),
    });
  }

  window.addEventListener("resize", function () { layoutBands(incidentsChart); });

  incidentsCanvas.addEventListener("pointerdown", function (event) {
    selection.start = indexAt(incidentsChart, event);
  });
  incidentsCanvas.addEventListener("pointerup", function (event) {
    if (selection.start === null) {
      return;
    }
    var end = indexAt(incidentsChart, event);
    if (end !== selection.start) {
      selection.first = Math.min(selection.start, end);
      selection.last = Math.max(selection.start, end);
      selection.justSelected = true;
      incidentsChart.draw();
      showSelection();
    }
    selection.start = null;
  });
  var clearButton = document.querySelector("#timeline-selection [data-clear]");
  if (clearButton) {
    clearButton.addEventListener("click", function () {
      selection.first = selection.last = null;
      document.getElementById("timeline-selection").hidden = true;
      incidentsChart.draw();
    });
  }
  // Collapsed milestones: their text as the canvas tooltip when hovered.
  incidentsCanvas.addEventListener("mousemove", function (event) {
    var rect = incidentsCanvas.getBoundingClientRect();
    var x = event.clientX - rect.left, y = event.clientY - rect.top;
    var hit = collapsed.filter(function (m) { return Math.abs(m.x - x) <= 7 && Math.abs(m.y - y) <= 7; });
    incidentsCanvas.title = hit.map(function (m) { return m.text; }).join("\n");
  });
  window.ipwatchTimeline.chart = incidentsChart;
  window.ipwatchTimeline.selection = selection;
  window.ipwatchTimeline.select = function (first, last) {
    selection.first = first;
    selection.last = last;
    incidentsChart.draw();
    showSelection();
  };
})();
