/* Smart City charts with uPlot (static/vendor/uplot). Each [data-smartcity-chart] fetches its
   series as JSON: time, mean, and the min/max band of rollups. The text summary and the CSV
   link beside each chart carry the same information for screen readers.

   Axis labels follow the page's language (<html lang>): dates and times in the city's time zone
   as Intl writes them for that language (German: 3.12. and 14:00), numbers with its decimal
   separator. uPlot's own defaults would be English month names and US dates. */
(function () {
  "use strict";

  var LANG = document.documentElement.lang || "de";
  var ZONE = "Europe/Berlin";
  var HOUR = 3600;
  var DAY = 24 * HOUR;

  function dateFormat(options) {
    options.timeZone = ZONE;
    return new Intl.DateTimeFormat(LANG, options);
  }

  var time = dateFormat({ hour: "2-digit", minute: "2-digit" });
  var dayMonth = dateFormat({ day: "numeric", month: "numeric" });
  var monthYear = dateFormat({ month: "short", year: "numeric" });
  var number = new Intl.NumberFormat(LANG, { maximumFractionDigits: 2 });

  /* Tick labels of the time axis: times within a day or two (the date below the first tick and
     wherever the day changes), days for weeks and months, months beyond a year. */
  function timeTicks(u, splits) {
    var span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
    var previousDay = null;
    return splits.map(function (s) {
      var d = new Date(s * 1000);
      if (span <= 2 * DAY) {
        var day = dayMonth.format(d);
        var label = time.format(d) + (day !== previousDay ? "\n" + day : "");
        previousDay = day;
        return label;
      }
      return span <= 400 * DAY ? dayMonth.format(d) : monthYear.format(d);
    });
  }

  function numberTicks(u, splits) {
    return splits.map(function (v) { return v === null ? "" : number.format(v); });
  }

  function draw(el) {
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        el.textContent = "";
        if (!d.x.length) { return; }
        var band = d.source !== "raw";
        var series = [{}, { label: d.label, stroke: "#0b5e3a", width: 2 }];
        var data = [d.x, d.mean];
        if (band) {
          series.push({ label: "min", stroke: "#7fa894", width: 1 });
          series.push({ label: "max", stroke: "#7fa894", width: 1 });
          data.push(d.min, d.max);
        }
        var width = Math.max(280, Math.min(el.clientWidth || 640, 900));
        /* global uPlot */
        el.chart = new uPlot({
          width: width,
          height: 220,
          legend: { show: false },
          cursor: { show: true, drag: { x: false, y: false } },
          series: series,
          axes: [
            { stroke: "#131525", values: timeTicks, space: 60, size: 50 },
            { stroke: "#131525", label: d.unit, size: 60, values: numberTicks }
          ],
          bands: band ? [{ series: [3, 2], fill: "rgba(11, 94, 58, 0.12)" }] : []
        }, data, el);
      })
      .catch(function () { el.textContent = el.dataset.errorText || ""; });
  }

  document.querySelectorAll("[data-smartcity-chart]").forEach(draw);
})();
