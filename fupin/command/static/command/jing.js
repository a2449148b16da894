// The "井" chart of the command structure (作战系统分工图), drawn from the data of
// fupin.command.selectors.chart_data (+ chart_texts): the command page and the war map use it.
window.drawCommandChart = function (el, data) {
  "use strict";
  if (!window.echarts || !el) return null;
  const T = data.texts;
  const fmt = (s, n) => s.replace("{n}", n);
  const nodes = [], links = [];
  // Boxes are labels (a graph scales its symbols; a label keeps its size and wraps its text).
  const box = (color, text) => ({show: true, position: "inside", formatter: text, color: "#fff",
    backgroundColor: color, padding: [6, 10], borderRadius: 4, lineHeight: 18, align: "center"});
  const red = "#b71c1c", blue = "#1565c0", green = "#2e7d32";
  // The 井: two columns (x = 35, 65) crossing two rows (y = 52, 76) under the top.
  const top = data.top.length ? data.top : [{label: T.top, name: T.none, leader: ""}];
  top.forEach((u, i) => {
    nodes.push({name: "top" + i, x: 50, y: 6 + i * 13, label: box(red, u.name + (u.leader ? "\n" + T.leader + "：" + u.leader : "")),
      tooltip: {formatter: u.label + "：" + u.name}});
    if (i) links.push({source: "top" + (i - 1), target: "top" + i});
  });
  const last = "top" + (top.length - 1);
  const lineLabel = (l, group) => group + " · " + l.label + "（" + fmt(T.units, l.count) + "）";
  const tip = (l) => l.label + "<br>" + (l.names.length ? l.names.join("<br>") + (l.count > l.names.length ? "<br>" + fmt(T.more, l.count) : "") : T.none);
  data.verticals.forEach((l, i) => {
    const x = 35 + 30 * i, head = "v" + i;
    nodes.push({name: head, x: x, y: 34, label: box(blue, lineLabel(l, T.verticals)), tooltip: {formatter: tip(l)}});
    nodes.push({name: head + "end", x: x, y: 96, symbolSize: 1, itemStyle: {color: "rgba(0,0,0,0)"}, label: {show: false}, tooltip: {show: false}});
    links.push({source: last, target: head});
    links.push({source: head, target: head + "end", symbol: ["none", "none"], lineStyle: {width: 8, color: blue, opacity: 0.8}});
  });
  data.horizontals.forEach((l, i) => {
    const y = 52 + 24 * i, head = "h" + i;
    nodes.push({name: head, x: 8, y: y, label: box(green, lineLabel(l, T.horizontals)), tooltip: {formatter: tip(l)}});
    nodes.push({name: head + "end", x: 96, y: y, symbolSize: 1, itemStyle: {color: "rgba(0,0,0,0)"}, label: {show: false}, tooltip: {show: false}});
    links.push({source: head, target: head + "end", symbol: ["none", "none"], lineStyle: {width: 8, color: green, opacity: 0.8}});
  });
  const chart = echarts.init(el);
  chart.setOption({
    title: {text: T.title, left: 8, top: 4, textStyle: {fontSize: 14}},
    tooltip: {confine: true},
    animation: false,
    series: [{type: "graph", layout: "none", roam: false, symbolSize: 1, itemStyle: {color: "rgba(0,0,0,0)"}, top: 40, bottom: 20, left: 80, right: 40,
      edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8, lineStyle: {width: 2, color: "#888"},
      data: nodes, links: links}],
  });
  window.addEventListener("resize", () => chart.resize());
  return chart;
};
