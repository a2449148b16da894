// The leadership teams' structure chart (cadres/structure.html); data from json_script.
(function () {
  var el = document.getElementById("structure-chart");
  var source = document.getElementById("structure-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; }},
    legend: {top: 0},
    grid: {left: 40, right: 10, top: 40, bottom: 30},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    series: data.series.map(function (s) { return {name: s.name, type: "bar", data: s.data, label: {show: true, position: "top", formatter: "{c}%"}}; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
