/* csabook: filter tables in the static site, with no server, no kernel and no network. */
(function () {
  "use strict";
  function setUp(box) {
    var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr:not(.csa-group-row)"));
    var heads = Array.prototype.slice.call(box.querySelectorAll("tbody tr.csa-group-row"));
    var empty = box.querySelector(".csa-filter-empty");
    var table = box.querySelector("table");
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
      heads.forEach(function (head) {  // a group heading shows while any of its rows does
        var group = head.getAttribute("data-group-head");
        head.hidden = !rows.some(function (row) { return !row.hidden && row.getAttribute("data-group") === group; });
      });
      if (count) { count.textContent = "Showing " + shown + " of " + rows.length + " " + noun + "."; }
      if (empty) { empty.hidden = shown !== 0; }
      if (table) { table.hidden = shown === 0; }
    }
    selects.forEach(function (sel) { sel.addEventListener("change", apply); });
    if (search) { search.addEventListener("input", apply); }
    var form = box.querySelector("form");
    var clear = box.querySelector("[data-filter-clear]");
    if (clear && form) {
      clear.addEventListener("click", function () {
        form.reset();
        window.setTimeout(function () { apply(); (selects[0] || search).focus(); }, 0);
      });
    }
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
