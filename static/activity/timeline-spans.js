/* /timeline/ with kind=territory: each territory span (held from … until …) drawn as a brown bar
   across the top of the incidents chart, from the period it was first known held (the left edge when
   the start is unknown) to the period it was last known held. A Chart.js plugin registered before
   timeline.js builds its charts; it reads the same escaped json_script payload. No network. */
(function () {
  "use strict";

  var dataElement = document.getElementById("timeline-data");
  if (!dataElement || !window.Chart) {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var spans = data.spans || [];
  var periods = data.periods;
  if (!spans.length || !periods.length) {
    return;
  }
  var ROW = 14;
  var COLOR = "rgba(109, 76, 65, 0.55)";

  function indexOfDay(iso) {
    for (var i = 0; i < periods.length; i += 1) {
      if (iso >= periods[i].since && iso <= periods[i].until) {
        return i;
      }
    }
    return iso < periods[0].since ? -1 : periods.length;
  }

  window.Chart.register({
    id: "ipwatchTerritorySpans",
    afterDatasetsDraw: function (chart) {
      if (chart.canvas.id !== "incidents-chart") {
        return;
      }
      var x = chart.scales.x;
      var area = chart.chartArea;
      var width = x.width / Math.max(periods.length, 1);
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = "11px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      spans.forEach(function (span, row) {
        var first = span.since ? indexOfDay(span.since) : 0;
        var last = span.until ? indexOfDay(span.until) : periods.length - 1;
        if (last < 0 || first >= periods.length) {
          return; // held entirely outside the axis
        }
        first = Math.max(first, 0);
        last = Math.min(last, periods.length - 1);
        var left = x.getPixelForValue(first) - width / 2;
        var right = x.getPixelForValue(last) + width / 2;
        var top = area.top + 2 + (row % 4) * (ROW + 2);
        ctx.fillStyle = COLOR;
        ctx.fillRect(left, top, Math.max(right - left, 3), ROW);
        var text = span.title + " (" + span.display + ")";
        ctx.fillStyle = "#2b1d18";
        ctx.fillText(text, Math.max(left + 3, area.left + 2), top + ROW / 2, Math.max(area.right - left - 6, 40));
      });
      ctx.restore();
    },
  });
})();
