// The kiosk's position on its commune's map, drawn from the imported data (no tiles, nothing
// fetched from elsewhere): a click sets the latitude and longitude inputs; the arrow follows "facing".
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var R = 6371008.8;
  var STYLE = {
    park: ["#cfe8c4", "none", 0], water: ["#b9d7ee", "none", 0], square: ["#ece6dc", "none", 0],
    building: ["#d8cfc4", "none", 0], river: ["none", "#7fb3dd", 6], road: ["none", "#ffffff", 7],
    path: ["none", "#a08c6e", 2.5], steps: ["none", "#b05030", 3]
  };

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function points(flat) {
    var out = [];
    for (var i = 0; i < flat.length; i += 2) { out.push(flat[i] / 10 + "," + (-flat[i + 1] / 10)); }
    return out.join(" ");
  }

  function picker(latInput) {
    if (latInput.id.indexOf("__prefix__") !== -1) { return; }  // the admin's hidden template for a new row
    var base = latInput.id.replace(/lat$/, "");
    var lonInput = document.getElementById(base + "lon");
    var facingInput = document.getElementById(base + "facing");
    var box = document.createElement("div");
    box.className = "geo-picker";
    box.style.cssText = "margin:8px 0;width:100%;max-width:720px;border:1px solid #999;background:#f4f1ea";
    // below the position's last row, so latitude, longitude and facing stay together above the map (the admin
    // lays a row out as a flex line: a map inside it would get no width)
    var last = facingInput || lonInput || latInput;
    var row = last.closest(".form-row") || last.parentNode;
    row.parentNode.insertBefore(box, row.nextSibling);
    var url = latInput.getAttribute("data-map-url");
    if (!url) {
      box.textContent = "Pas encore de carte pour la commune de cette borne : importez un extrait OpenStreetMap " +
        "(Plan de la ville › Imports de carte), puis revenez ici. Vous pouvez aussi saisir latitude et longitude.";
      box.style.padding = "8px";
      return;
    }
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      var lat0 = data.origin[0], lon0 = data.origin[1];
      var kx = Math.PI / 180 * R * Math.cos(lat0 * Math.PI / 180), ky = Math.PI / 180 * R;
      var b = data.bbox;
      var x0 = (b[1] - lon0) * kx, x1 = (b[3] - lon0) * kx, y0 = (b[0] - lat0) * ky, y1 = (b[2] - lat0) * ky;
      var svg = el("svg", { viewBox: x0 + " " + (-y1) + " " + (x1 - x0) + " " + (y1 - y0), width: "100%",
                            "class": "geo-picker-map", role: "img", "aria-label": "plan de la commune" });
      svg.style.cursor = "crosshair";
      svg.style.display = "block";
      Object.keys(STYLE).forEach(function (layer) {
        var s = STYLE[layer];
        (data.layers[layer] || []).forEach(function (flat) {
          svg.appendChild(el(s[0] === "none" ? "polyline" : "polygon", {
            points: points(flat), fill: s[0], stroke: s[1], "stroke-width": s[2],
            "stroke-linejoin": "round", "stroke-linecap": "round" }));
        });
      });
      var marker = el("g", { "class": "geo-picker-kiosk" });
      marker.appendChild(el("path", { d: "M0,-34 L14,0 L-14,0 Z", fill: "#b00020" }));
      marker.appendChild(el("circle", { r: 12, fill: "#b00020", stroke: "#fff", "stroke-width": 4 }));
      svg.appendChild(marker);
      var credit = document.createElement("div");
      credit.textContent = "© OpenStreetMap contributors, ODbL";
      credit.style.cssText = "font-size:11px;text-align:right;padding:2px 6px";

      function place() {
        var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
        var facing = parseFloat(facingInput && facingInput.value) || 0;
        if (isNaN(lat) || isNaN(lon)) { marker.setAttribute("visibility", "hidden"); return; }
        marker.setAttribute("visibility", "visible");
        marker.setAttribute("transform", "translate(" + (lon - lon0) * kx + "," + (-(lat - lat0) * ky) +
                            ") rotate(" + facing + ")");
      }
      svg.addEventListener("click", function (event) {
        var pt = svg.createSVGPoint();
        pt.x = event.clientX; pt.y = event.clientY;
        var local = pt.matrixTransform(svg.getScreenCTM().inverse());
        latInput.value = (lat0 + (-local.y) / ky).toFixed(6);
        lonInput.value = (lon0 + local.x / kx).toFixed(6);
        latInput.dispatchEvent(new Event("change"));
        place();
      });
      [latInput, lonInput, facingInput].forEach(function (input) {
        if (input) { input.addEventListener("input", place); }
      });
      box.appendChild(svg);
      box.appendChild(credit);
      place();
    }).catch(function (err) {
      box.textContent = "La carte n'a pas pu être chargée (" + err.message + ") : saisissez latitude et longitude.";
      box.style.padding = "8px";
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-map-url]"), picker);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
