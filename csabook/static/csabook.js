/* csabook: filter tables in the static site, with no server, no kernel and no network. */
(function () {
  "use strict";
  function setUp(box) {
    var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
    var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-filter]"));
    var search = box.querySelector("input[data-filter-text]");
    var count = box.querySelector(".csa-filter-count");
    var noun = box.getAttribute("data-noun") || "rows";
    function apply() {
      var text = search ? search.value.trim().toLowerCase() : "";
      var shown = 0;
      rows.forEach(function (row) {
        var ok = selects.every(function (sel) {
          if (!sel.value) { return true; }
          var values = (row.getAttribute("data-" + sel.getAttribute("data-filter")) || "").split("|");
          return values.indexOf(sel.value) !== -1;
        });
        if (ok && text) { ok = row.textContent.toLowerCase().indexOf(text) !== -1; }
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = "Showing " + shown + " of " + rows.length + " " + noun + "."; }
    }
    selects.forEach(function (sel) { sel.addEventListener("change", apply); });
    if (search) { search.addEventListener("input", apply); }
    var form = box.querySelector("form");
    if (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    }
    box.classList.add("csa-filter-ready");
    apply();
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-csa-filter]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
