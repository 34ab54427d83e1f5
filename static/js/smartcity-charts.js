/* Smart City charts with uPlot (static/vendor/uplot). Each [data-smartcity-chart] fetches its
   series as JSON: time, mean, and the min/max band of rollups. The text summary and the CSV
   link beside each chart carry the same information for screen readers. */
(function () {
  "use strict";

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
        new uPlot({
          width: width,
          height: 220,
          legend: { show: false },
          cursor: { show: true, drag: { x: false, y: false } },
          series: series,
          axes: [{ stroke: "#131525" }, { stroke: "#131525", label: d.unit, size: 60 }],
          bands: band ? [{ series: [3, 2], fill: "rgba(11, 94, 58, 0.12)" }] : []
        }, data, el);
      })
      .catch(function () { el.textContent = el.dataset.errorText || ""; });
  }

  document.querySelectorAll("[data-smartcity-chart]").forEach(draw);
})();
