/* archkb: filter the table after an .archkb-filter box by the text of its rows. */
(function () {
  function setup() {
    document.querySelectorAll("input.archkb-filter").forEach(function (input) {
      if (input.dataset.archkbReady) { return; }
      input.dataset.archkbReady = "1";
      var scope = input.closest(".md-typeset") || document;
      var table = scope.querySelector("table");
      if (!table) { return; }
      var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        rows.forEach(function (row) {
          var text = row.textContent.toLowerCase();
          row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
        });
      });
    });
  }
  if (typeof document$ !== "undefined") { document$.subscribe(setup); }
  else { document.addEventListener("DOMContentLoaded", setup); }
})();
