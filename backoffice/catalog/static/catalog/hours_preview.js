// Live reading of the opening hours as one types: the weekly table (admin) and the OSM field are
// sent to the back office, which answers with the hours in words or why they are not understood.
(function () {
  function bind() {
    var input = document.getElementById("id_opening_hours");
    var out = document.getElementById("hours-readable");
    if (!input || !out) return;
    var grid = Array.prototype.slice.call(document.querySelectorAll("input.hours-grid-time"));
    var timer = null;
    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = "value=" + encodeURIComponent(input.value);
        grid.forEach(function (box) { query += "&g=" + encodeURIComponent(box.value); });
        fetch("/hours/preview?" + query, {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (d) { out.textContent = d.text || "—"; out.className = d.ok ? "" : "errornote"; });
      }, 300);
    }
    input.addEventListener("input", refresh);
    grid.forEach(function (box) { box.addEventListener("input", refresh); box.addEventListener("change", refresh); });
  }
  document.addEventListener("DOMContentLoaded", bind);
})();
