// The collective economy board's chart (collective/board.html); data from json_script.
(function () {
  var el = document.getElementById("collective-chart");
  var source = document.getElementById("collective-chart-data");
  if (!el || !source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(el, null, {renderer: "svg"});
  chart.setOption({
    animation: false,
    tooltip: {trigger: "axis"},
    legend: {top: 0},
    grid: {left: 40, right: 50, top: 30, bottom: 24},
    xAxis: {type: "category", data: d.years},
    yAxis: [{type: "value"}, {type: "value", splitLine: {show: false}}],
    series: [
      {name: d.labels.zero, type: "bar", data: d.zero, itemStyle: {color: "#adb5bd"}},
      {name: d.labels.stable, type: "bar", data: d.stable, itemStyle: {color: "#c0392b"}},
      {name: d.labels.total, type: "line", yAxisIndex: 1, data: d.total, itemStyle: {color: "#d4a017"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
