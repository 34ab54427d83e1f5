/* Mängelmelder report form: when a place is picked on the map (map.js's "map:pick" event) or the
   kind of defect changes, list open reports of that kind within 50 m in #nearby-live, so a
   citizen can follow one of them instead of reporting the same defect again. */
(function () {
  "use strict";

  var el = document.getElementById("defect-map");
  if (!el) { return; }
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var nearby = document.getElementById("nearby-live");

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

  el.addEventListener("map:pick", checkNearby);
  document.querySelectorAll("input[name=category]").forEach(function (input) {
    input.addEventListener("change", checkNearby);
  });
})();
