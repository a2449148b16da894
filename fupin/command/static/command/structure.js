// The command structure page's chart (command/structure.html), drawn by jing.js.
(function () {
  var el = document.getElementById("command-chart");
  var source = document.getElementById("command-chart-data");
  if (!el || !source) return;
  drawCommandChart(el, JSON.parse(source.textContent));
})();
