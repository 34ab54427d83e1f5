/* The portal's maps (Leaflet from static/vendor), one module for every app.

   The shared configuration (centre, zoom, city boundary, tiles) comes from portal/maps.py as the
   JSON content of <meta name="map-config"> (templates/includes/map_assets.html). Without a tile
   server the boundary and the markers still show, and nothing is loaded from another host. Every
   map has a text alternative beside it on its page; colour is never the only carrier of
   information.

   An element with data-map="MODE" becomes a map:
   - show:   one marker at data-lat/data-lon (alt text data-marker-label).
   - pick:   a click (or "locate me", #locate-me) fills #id_latitude/#id_longitude, sets a marker
             (alt text data-marker-label), announces data-chosen-text and the place in #map-status
             (data-no-position-text when the position is unknown), and dispatches the bubbling
             CustomEvent "map:pick" with detail {latitude, longitude} (strings) on the element.
   - browse: GeoJSON points from data-src as circles coloured by properties.marker, each with a
             popup linking properties.label to properties.url (portal.maps.point_feature);
             data-fit zooms to the points. */
(function () {
  "use strict";

  var COLOURS = {
    // Defect reports
    open: "#b3261e", closed: "#0b5e3a",
    // Pole states
    ok: "#0b7a3e", alarm: "#b3261e", offline: "#8a5a00", maintenance: "#4a5568", retired: "#4a5568",
    // Air quality bands
    very_good: "#0e6e8c", good: "#0b7a3e", moderate: "#8a6d00", poor: "#b3261e", very_poor: "#6e1423",
    none: "#6b7280"
  };

  function config() {
    return JSON.parse(document.querySelector("meta[name=map-config]").content);
  }

  function baseMap(el, cfg, center, zoom) {
    var map = L.map(el, { scrollWheelZoom: false }).setView(center || cfg.center, zoom || cfg.zoom);
    if (cfg.tiles) {
      L.tileLayer(cfg.tiles.url, { attribution: cfg.tiles.attribution, maxZoom: cfg.tiles.max_zoom }).addTo(map);
    }
    L.polygon(cfg.boundary, { color: "#0b5e3a", weight: 2, fill: false, interactive: false }).addTo(map);
    return map;
  }

  function marker(latlng, label) {
    // The marker does nothing when activated, so it is no tab stop; its alt text names it.
    return L.marker(latlng, { alt: label, keyboard: false });
  }

  function show(el, cfg) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = baseMap(el, cfg, at, cfg.place_zoom);
    marker(at, el.dataset.markerLabel).addTo(map);
  }

  function pick(el, cfg) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var status = document.getElementById("map-status");
    var chosen = null;
    var start = lat.value && lon.value ? L.latLng(parseFloat(lat.value), parseFloat(lon.value)) : null;
    var map = baseMap(el, cfg, start);

    function place(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (chosen) { chosen.setLatLng(latlng); } else { chosen = marker(latlng, el.dataset.markerLabel).addTo(map); }
      status.textContent = el.dataset.chosenText + " " + lat.value + ", " + lon.value;
      el.dispatchEvent(new CustomEvent("map:pick", { bubbles: true, detail: { latitude: lat.value, longitude: lon.value } }));
    }

    if (start) { place(start); }
    map.on("click", function (e) { place(e.latlng); });
    var locate = document.getElementById("locate-me");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(latlng, cfg.street_zoom);
          place(latlng);
        }, function () { status.textContent = el.dataset.noPositionText; });
      });
    }
  }

  function browse(el, cfg) {
    var map = baseMap(el, cfg);
    fetch(el.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var points = [];
        data.features.forEach(function (f) {
          var p = f.properties;
          var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          points.push(latlng);
          var circle = L.circleMarker(latlng, {
            radius: 9, color: "#131525", weight: 1, fillColor: COLOURS[p.marker] || COLOURS.none, fillOpacity: 0.9
          }).addTo(map);
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.label;
          circle.bindPopup(link);
        });
        if (el.hasAttribute("data-fit") && points.length > 1) { map.fitBounds(points, { padding: [20, 20] }); }
      });
  }

  var MODES = { show: show, pick: pick, browse: browse };

  // Deferred scripts all run before DOMContentLoaded, so an app script loaded after this one
  // has its "map:pick" listener in place before the first event.
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    var cfg = config();
    document.querySelectorAll("[data-map]").forEach(function (el) {
      var mode = MODES[el.dataset.map];
      if (mode) { mode(el, cfg); }
    });
  });
})();
