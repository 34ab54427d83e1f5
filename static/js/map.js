/* The portal's maps (Leaflet from static/vendor), one module for every app.

   The shared configuration (centre, zoom, city boundary, tiles, geocoder, texts) comes from
   portal/maps.py as the JSON content of <meta name="map-config">
   (templates/includes/map_assets.html). Tiles and addresses come from the portal's own origin
   (/karte/...), never from another host. Without a tile server the map says so in a note above
   it. Every map has a text alternative beside it on its page; colour is never the only carrier
   of information.

   An element with data-map="MODE" becomes a map:
   - show:   one marker at data-lat/data-lon (alt text data-marker-label).
   - pick:   a click (or "locate me", #locate-me) inside the city fills #id_latitude/#id_longitude,
             sets a marker (alt text data-marker-label), announces data-chosen-text and the place
             in #map-status (data-no-position-text when the position is unknown), and dispatches
             the bubbling CustomEvent "map:pick" with detail {latitude, longitude} (strings) on
             the element. With data-address="ID" (a text field) and a geocoder: a search button
             after that field lists matching addresses in the city to choose from, and a click
             on the map fills the field with the address of the place (unless the citizen wrote
             their own text there).
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

  function note(el, id) {
    // One plain paragraph above the map for what the map cannot show.
    var p = document.getElementById(id);
    if (!p) {
      p = document.createElement("p");
      p.id = id;
      p.className = "kern-body map-note";
      el.parentNode.insertBefore(p, el);
    }
    return p;
  }

  function inCity(cfg, latlng) {
    // Ray casting over the boundary, as portal.maps.in_city (which has the last word).
    var ring = cfg.boundary, inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a[1] > latlng.lng) !== (b[1] > latlng.lng)) {
        var crossing = a[0] + (latlng.lng - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
        if (latlng.lat < crossing) { inside = !inside; }
      }
    }
    return inside;
  }

  function baseMap(el, cfg, center, zoom) {
    var map = L.map(el, {
      scrollWheelZoom: false,
      minZoom: cfg.tiles ? cfg.tiles.min_zoom : undefined,
      maxBounds: cfg.max_bounds,
      maxBoundsViscosity: 1.0
    }).setView(center || cfg.center, zoom || cfg.zoom);
    map.attributionControl.addAttribution(cfg.boundary_attribution);
    if (cfg.tiles) {
      var failed = false;
      L.tileLayer(cfg.tiles.url, {
        attribution: cfg.tiles.attribution, minZoom: cfg.tiles.min_zoom, maxZoom: cfg.tiles.max_zoom,
        bounds: cfg.max_bounds
      }).on("tileerror", function () {
        if (failed) { return; }
        failed = true;
        var p = note(el, el.id ? el.id + "-note" : "map-note");
        p.setAttribute("role", "status");
        p.textContent = cfg.text.tiles_failed;
      }).addTo(map);
    } else {
      var p = note(el, el.id ? el.id + "-note" : "map-note");
      p.textContent = cfg.text.no_tiles;
      var field = el.dataset.address && document.getElementById(el.dataset.address);
      var label = field && document.querySelector("label[for=" + field.id + "]");
      if (label) {
        var link = document.createElement("a");
        link.className = "kern-link";
        link.href = "#" + field.id;
        var name = label.firstChild ? label.firstChild.textContent.trim() : label.textContent.trim();
        link.textContent = cfg.text.use_address_field.replace("{label}", name);
        p.appendChild(document.createTextNode(" "));
        p.appendChild(link);
      }
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

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  function pick(el, cfg) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var status = document.getElementById("map-status");
    var address = el.dataset.address ? document.getElementById(el.dataset.address) : null;
    var geocoder = address ? cfg.geocoder : null;
    var filled = null; // the address text this module last wrote into the field
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

    function choose(latlng) {
      if (!inCity(cfg, latlng)) { status.textContent = cfg.text.outside; return; }
      place(latlng);
      if (!geocoder || (address.value.trim() && address.value !== filled)) { return; }
      var url = geocoder.reverse + "?lat=" + lat.value + "&lon=" + lon.value;
      getJSON(url).then(function (data) {
        if (!data.result) { return; }
        address.value = filled = data.result.label;
        status.textContent = el.dataset.chosenText + " " + data.result.label;
      }).catch(function () { /* the coordinates are set; the address stays as it is */ });
    }

    if (start) { place(start); }
    map.on("click", function (e) { choose(e.latlng); });
    var locate = document.getElementById("locate-me");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(latlng, cfg.street_zoom);
          choose(latlng);
        }, function () { status.textContent = el.dataset.noPositionText; });
      });
    }
    if (geocoder) { search(el, cfg, map, address, function (found) {
      var latlng = L.latLng(found.latitude, found.longitude);
      map.setView(latlng, cfg.street_zoom);
      place(latlng);
      address.value = filled = found.label;
      status.textContent = el.dataset.chosenText + " " + found.label;
      address.focus();
    }); }
  }

  function search(el, cfg, map, address, onChoose) {
    // A button after the address field; the matches appear as buttons in a live region.
    var group = address.closest(".kern-form-input") || address.parentNode;
    var box = document.createElement("div");
    box.className = "map-search";
    var button = document.createElement("button");
    button.type = "button";
    button.id = "address-search";
    button.className = "kern-btn kern-btn--secondary";
    var label = document.createElement("span");
    label.className = "kern-label";
    label.textContent = cfg.text.search_button;
    button.appendChild(label);
    var live = document.createElement("div");
    live.id = "address-results";
    live.setAttribute("aria-live", "polite");
    box.appendChild(button);
    box.appendChild(live);
    group.parentNode.insertBefore(box, group.nextSibling);

    function say(text) {
      live.textContent = "";
      var p = document.createElement("p");
      p.className = "kern-body";
      p.textContent = text;
      live.appendChild(p);
    }

    button.addEventListener("click", function () {
      var text = address.value.trim();
      if (!text) { say(cfg.text.search_empty); address.focus(); return; }
      say(cfg.text.searching);
      getJSON(cfg.geocoder.search + "?q=" + encodeURIComponent(text)).then(function (data) {
        if (!data.results.length) { say(cfg.text.no_results); return; }
        say(cfg.text.results.replace("{n}", data.results.length));
        var list = document.createElement("ul");
        list.className = "map-search__results";
        data.results.forEach(function (found) {
          var item = document.createElement("li");
          var choice = document.createElement("button");
          choice.type = "button";
          choice.className = "kern-btn kern-btn--tertiary";
          var text = document.createElement("span");
          text.className = "kern-label";
          text.textContent = found.label;
          choice.appendChild(text);
          choice.addEventListener("click", function () { live.textContent = ""; onChoose(found); });
          item.appendChild(choice);
          list.appendChild(item);
        });
        live.appendChild(list);
      }).catch(function () { say(cfg.text.search_failed); });
    });
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
