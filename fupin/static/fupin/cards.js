// <table class="table-cards">: on a phone each row is a card (fupin.css, "Phone"); every cell
// is labelled with its column's heading, read from the table's head, so that no template has
// to repeat the headings in data-label attributes.
(function () {
  "use strict";

  function label(table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    if (!heads.length) return;
    var names = Array.prototype.map.call(heads, function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (!cell.hasAttribute("data-label") && names[column]) {
          cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  }

  function labelAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("table.table-cards").forEach(label);
  }

  labelAll(document);
  // Lists htmx swaps in (a filter's results) are labelled too.
  document.addEventListener("htmx:afterSwap", function (event) {
    labelAll(event.target);
  });
})();
