// The war map's charts: everything they draw (figures, labels, URLs) comes from #warmap-data.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("warmap-data").textContent);
  const L = data.labels;
  const charts = {};
  window.warmapCharts = charts;

  function go(base, params) {
    window.location.href = base + "?" + new URLSearchParams(params).toString();
  }
  function drill(code) {
    if (data.child_is_village) {
      go(data.households_url, { area: code, year: data.year, status: "in_poverty" });
    } else {
      go(data.warmap_url, { area: code, year: data.year });
    }
  }
  function make(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    charts[id.replace("chart-", "")] = chart;
    return chart;
  }
  const tooltip = (c) =>
    c.name_label + "<br>" + L.poor_persons + " " + c.poor_persons + "<br>" + L.poor_households + " " +
    c.poor_households + "<br>" + L.incidence + " " + (c.incidence === null ? "—" : c.incidence);

  function distributionBars(chart) {
    const rows = data.children.slice().reverse();
    const el = chart.getDom();
    el.style.height = Math.max(260, rows.length * 26 + 60) + "px";
    chart.resize();
    chart.setOption({
      grid: { left: 8, right: 40, top: 10, bottom: 20, containLabel: true },
      tooltip: { trigger: "item", formatter: (p) => tooltip(Object.assign({ name_label: p.name }, rows[p.dataIndex])) },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: rows.map((c) => c.name) },
      series: [{
        type: "bar", name: L.poor_persons, data: rows.map((c) => c.poor_persons),
        itemStyle: { color: "#c62828" }, label: { show: true, position: "right" },
      }],
    });
    chart.on("click", (p) => drill(rows[p.dataIndex].code));
  }

  function distributionMap(chart) {
    fetch(data.geojson_url).then((r) => r.json()).then((geo) => {
      echarts.registerMap("hinggan", geo);
      const max = Math.max(1, ...data.children.map((c) => c.poor_persons));
      const byCode = Object.fromEntries(data.children.map((c) => [c.code, c]));
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: (p) => (byCode[p.name] ? tooltip(Object.assign({ name_label: byCode[p.name].name }, byCode[p.name])) : ""),
        },
        visualMap: {
          min: 0, max: max, left: 8, bottom: 8, text: [String(max), "0"], calculable: false,
          inRange: { color: ["#fff3e0", "#ef6c00", "#b71c1c"] },
        },
        series: [{
          type: "map", map: "hinggan", nameProperty: "code", roam: false,
          label: { show: true, formatter: (p) => (byCode[p.name] ? byCode[p.name].name + "\n" + byCode[p.name].poor_persons : "") },
          data: data.children.map((c) => ({ name: c.code, value: c.poor_persons })),
        }],
      });
      chart.on("click", (p) => { if (byCode[p.name]) drill(p.name); });
      document.getElementById("chart-distribution").dataset.ready = "1";
    });
  }

  const dist = make("chart-distribution");
  if (dist) {
    if (data.choropleth) distributionMap(dist);
    else { distributionBars(dist); dist.getDom().dataset.ready = "1"; }
  }

  const causes = make("chart-causes");
  if (causes) {
    causes.setOption({
      tooltip: { trigger: "item" },
      series: [{
        type: "pie", radius: ["35%", "65%"], name: L.households,
        data: data.causes.map((c) => ({ name: c.label, value: c.households })),
        label: { formatter: "{b} {d}%" },
      }],
    });
  }

  const measures = make("chart-measures");
  if (measures) {
    measures.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.measures.map((m) => m.label), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { type: "bar", name: L.measures, data: data.measures.map((m) => m.measures) },
        { type: "bar", name: L.done, data: data.measures.map((m) => m.done) },
        { type: "bar", name: L.reached, data: data.measures.map((m) => m.households) },
      ],
    });
  }

  const series = make("chart-series");
  if (series) {
    const s = data.series;
    const years = Array.from(new Set(s.years.concat(s.path_years))).sort();
    const at = (list, ys) => years.map((y) => { const i = ys.indexOf(y); return i < 0 ? null : list[i]; });
    const lines = [];
    s.units.forEach((u) => {
      lines.push({ type: "line", name: u.name, data: at(u.actual, s.years), connectNulls: false });
      lines.push({ type: "line", name: u.name + " " + L.planned, data: at(u.planned, s.path_years), lineStyle: { type: "dashed" }, symbol: "emptyCircle" });
    });
    series.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: years.map(String) },
      yAxis: { type: "value", name: L.poor_persons },
      series: lines,
    });
  }

  const division = make("chart-division");
  if (division) {
    const rows = data.division;
    division.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 40, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: [{ type: "value", name: L.households }, { type: "value", name: L.progress, max: 100 }],
      series: [
        { type: "bar", name: L.target, data: rows.map((r) => r.target) },
        { type: "bar", name: L.exited, data: rows.map((r) => r.exited) },
        { type: "line", name: L.progress, yAxisIndex: 1, data: rows.map((r) => r.progress) },
      ],
    });
  }

  const funds = make("chart-funds");
  if (funds) {
    const label = Object.fromEntries(data.funds.nodes.map((n) => [n.name, n.label]));
    funds.setOption({
      tooltip: {
        trigger: "item",
        formatter: (p) => (p.dataType === "edge"
          ? label[p.data.source] + " → " + label[p.data.target] + "<br>" + p.data.value + " " + L.wan
          : label[p.name] + " " + p.value + " " + L.wan),
      },
      series: [{
        type: "sankey", left: 8, right: 100, top: 10, bottom: 10, nodeGap: 10, emphasis: { focus: "adjacency" },
        label: { formatter: (p) => label[p.name] },
        data: data.funds.nodes.map((n) => ({ name: n.name })),
        links: data.funds.links,
      }],
    });
  }

  const commandEl = document.getElementById("chart-command");
  if (commandEl && window.drawCommandChart) {
    const chart = window.drawCommandChart(commandEl, data.command);
    if (chart) charts.command = chart;
  }

  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  // Printing: each chart becomes an image of itself (the tables carry the exact figures).
  window.addEventListener("beforeprint", () => {
    Object.values(charts).forEach((c) => {
      const dom = c.getDom();
      let img = dom.nextElementSibling;
      if (!img || !img.classList.contains("chart-print")) {
        img = document.createElement("img");
        img.className = "chart-print";
        img.alt = dom.getAttribute("aria-label") || "";
        dom.after(img);
      }
      img.src = c.getDataURL({ pixelRatio: 2, backgroundColor: "#fff" });
    });
  });
})();
