/* Maps of the Mängelmelder (Leaflet from static/vendor). Works without tiles: the city
   boundary and the markers always show. Every map has a text alternative beside it. */
(function () {
  "use strict";

  // Simplified outline of the city of Castrop-Rauxel (for orientation only).
  var BOUNDARY = [
    [51.606, 7.285], [51.600, 7.335], [51.585, 7.375], [51.560, 7.385], [51.538, 7.360],
    [51.527, 7.318], [51.530, 7.268], [51.548, 7.238], [51.575, 7.235], [51.596, 7.255]
  ];

  function baseMap(el) {
    var center = JSON.parse(el.dataset.center);
    var map = L.map(el, { scrollWheelZoom: false }).setView(center, 13);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    L.polygon(BOUNDARY, { color: "#0b5e3a", weight: 2, fill: false, interactive: false }).addTo(map);
    return map;
  }

  function browse(el) {
    var map = baseMap(el);
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.features.forEach(function (f) {
          var p = f.properties;
          var marker = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
            radius: 8, color: p.open ? "#b3261e" : "#0b5e3a", weight: 2, fillOpacity: 0.6
          }).addTo(map);
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.reference + ": " + p.category + " (" + p.status + ")";
          marker.bindPopup(link);
        });
      });
  }

  function pick(el) {
    var map = baseMap(el);
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var status = document.getElementById("map-status");
    var nearby = document.getElementById("nearby-live");
    var marker = null;

    function place(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { alt: el.dataset.markerLabel }).addTo(map); }
      status.textContent = el.dataset.chosenText + " " + lat.value + ", " + lon.value;
      checkNearby();
    }

    function checkNearby() {
      var category = document.querySelector("input[name=category]:checked");
      if (!category || !lat.value) { return; }
      var url = el.dataset.nearby + "?lat=" + lat.value + "&lon=" + lon.value + "&kategorie=" + category.value;
      fetch(url).then(function (r) { return r.json(); }).then(function (data) {
        nearby.textContent = "";
        if (!data.reports.length) { return; }
        var heading = document.createElement("p");
        heading.className = "kern-body kern-body--bold";
        heading.textContent = el.dataset.nearbyText;
        nearby.appendChild(heading);
        var list = document.createElement("ul");
        list.className = "kern-list";
        data.reports.forEach(function (r) {
          var item = document.createElement("li");
          var a = document.createElement("a");
          a.className = "kern-link";
          a.href = r.url;
          a.textContent = r.reference + ": " + r.category + " (" + r.status + ", " + r.distance_m + " m)";
          item.appendChild(a);
          list.appendChild(item);
        });
        nearby.appendChild(list);
      });
    }

    if (lat.value && lon.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); }
    map.on("click", function (e) { place(e.latlng); });
    document.querySelectorAll("input[name=category]").forEach(function (input) {
      input.addEventListener("change", checkNearby);
    });
    var locate = document.getElementById("locate-me");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(latlng, 17);
          place(latlng);
        }, function () { status.textContent = el.dataset.noPositionText; });
      });
    }
  }

  document.querySelectorAll("[data-defect-map]").forEach(function (el) {
    if (el.dataset.defectMap === "pick") { pick(el); } else { browse(el); }
  });
})();
