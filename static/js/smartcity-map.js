/* Smart City maps (Leaflet from static/vendor). No tiles unless the city's tile server is set;
   the markers always show, coloured by state or air quality band, and every map has a table
   with the same information beside it (colour is never the only carrier). */
(function () {
  "use strict";

  var COLOURS = {
    ok: "#0b7a3e", alarm: "#b3261e", offline: "#8a5a00", maintenance: "#4a5568", retired: "#4a5568",
    good: "#0b7a3e", moderate: "#8a6d00", poor: "#c05600", bad: "#b3261e", none: "#6b7280"
  };

  function init(el) {
    var map = L.map(el, { scrollWheelZoom: false }).setView(JSON.parse(el.dataset.center), 13);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var by = el.dataset.colourBy;
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var bounds = [];
        data.features.forEach(function (f) {
          var p = f.properties;
          var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          bounds.push(latlng);
          var colour = COLOURS[p[by]] || COLOURS.none;
          var marker = L.circleMarker(latlng, { radius: 9, color: "#131525", weight: 1, fillColor: colour, fillOpacity: 0.9 }).addTo(map);
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.number + " " + p.name + ": " + (by === "band" ? p.band_label : p.state_label);
          marker.bindPopup(link);
        });
        if (bounds.length > 1) { map.fitBounds(bounds, { padding: [20, 20] }); }
      });
  }

  document.querySelectorAll("[data-smartcity-map]").forEach(init);
})();
