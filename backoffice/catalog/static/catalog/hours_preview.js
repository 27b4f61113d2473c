// Live check of the OSM opening_hours field: shows the readable rendering or the error as one types.
(function () {
  function bind() {
    var input = document.getElementById("id_opening_hours");
    var out = document.getElementById("hours-readable");
    if (!input || !out) return;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch("/hours/preview?value=" + encodeURIComponent(input.value), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (d) { out.textContent = d.text || "—"; out.className = d.ok ? "" : "errornote"; });
      }, 300);
    });
  }
  document.addEventListener("DOMContentLoaded", bind);
})();
