/* Maps of the Beteiligungsplattform (Leaflet from static/vendor). A proposal's place is shown
   on its page; on the proposal form a click on the map fills latitude and longitude, which can
   also be typed, so the map is never the only way. Works without tiles. */
(function () {
  "use strict";

  function baseMap(el, center, zoom) {
    var map = L.map(el, { scrollWheelZoom: false }).setView(center, zoom);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function show(el) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = baseMap(el, at, 15);
    L.marker(at, { alt: el.dataset.markerLabel, keyboard: false }).addTo(map);
  }

  function pick(el) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var status = document.getElementById("map-status");
    var center = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : [51.5523, 7.3116];
    var map = baseMap(el, center, 13);
    var marker = null;
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(event.latlng); } else { marker = L.marker(event.latlng, { alt: el.dataset.markerLabel, keyboard: false }).addTo(map); }
      status.textContent = el.dataset.chosenText + " " + lat.value + ", " + lon.value;
    });
  }

  document.querySelectorAll("[data-proposal-map]").forEach(function (el) {
    if (typeof L === "undefined") { return; }
    if (el.dataset.proposalMap === "pick") { pick(el); } else { show(el); }
  });
})();
