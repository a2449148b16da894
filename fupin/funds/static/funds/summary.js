// The funds summary's chart by source (funds/summary.html); data from json_script, the axis
// unit from the chart element's data-unit (translated in the template).
(function () {
  var el = document.getElementById("funds-chart");
  var source = document.getElementById("funds-chart-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    animation: false, tooltip: {trigger: "axis"}, legend: {top: 0},
    grid: {left: 60, right: 10, top: 30, bottom: 30},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value", name: el.dataset.unit || ""},
    series: data.series.map(function (s) { return {name: s.name, type: "bar", data: s.data.map(Number)}; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
