// Palisade audit report: draws the zones-and-conduits diagram and the SL-T/SL-A charts from
// the JSON the page carries. Marks the body `data-rendered="ok"` when done; errors go to
// `data-errors` (the browser test reads both).
(function () {
  "use strict";
  var errors = [];
  function fail(e) {
    errors.push(String((e && (e.stack || e.message)) || e));
    document.body.setAttribute("data-errors", errors.join(" | "));
  }
  window.addEventListener("error", function (e) { fail(e.error || e.message); });

  // Purdue reference levels, top to bottom as drawn.
  var LEVELS = [
    [5, "Level 5 · Internet / external"],
    [4, "Level 4 · Enterprise"],
    [3.5, "Level 3.5 · Industrial DMZ"],
    [3, "Level 3 · Site operations"],
    [2, "Level 2 · Supervisory control"],
    [1, "Level 1 · Basic control"],
    [0, "Level 0 · Process"]
  ];
  var RED = "#c62828", BLUE = "#1f5fa8", GREEN = "#2e7d32", GREY = "#8a94a3";

  // Tooltips are HTML: escape everything that comes from the report.
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  // Labels are ECharts rich text, where braces and bars are markup.
  function plain(s) { return String(s).replace(/[{}|]/g, " "); }

  function gapText(z) {
    if (!z.gaps.length) { return "meets SL-T in every FR"; }
    return "below target: FR " + z.gaps.map(function (g) { return g.fr.replace("FR", ""); }).join(" ");
  }

  function nearestLevel(p) {
    var best = null;
    LEVELS.forEach(function (l) {
      if (best === null || Math.abs(l[0] - p) < Math.abs(best[0] - p)) { best = l; }
    });
    return best;
  }

  function drawDiagram(data) {
    var el = document.getElementById("diagram");
    if (!el || !data.zones.length) { return; }
    // Rows: the Purdue levels from the lowest to the highest a zone has, then "unassigned".
    var used = data.zones.filter(function (z) { return z.purdue !== null; })
      .map(function (z) { return nearestLevel(z.purdue)[0]; });
    var lo = Math.min.apply(null, used.length ? used : [0]);
    var hi = Math.max.apply(null, used.length ? used : [0]);
    var rows = LEVELS.filter(function (l) { return l[0] >= lo && l[0] <= hi && used.length; });
    rows = rows.slice().reverse(); // bottom row first: y = index
    var unassigned = data.zones.some(function (z) { return z.purdue === null; });
    var offset = unassigned ? 1 : 0;
    var rowOf = function (z) {
      if (z.purdue === null) { return 0; }
      var lvl = nearestLevel(z.purdue)[0];
      for (var i = 0; i < rows.length; i++) { if (rows[i][0] === lvl) { return i + offset; } }
      return 0;
    };
    var byRow = {};
    data.zones.forEach(function (z) { var r = rowOf(z); (byRow[r] = byRow[r] || []).push(z); });
    var nodes = [];
    Object.keys(byRow).forEach(function (r) {
      var zs = byRow[r];
      zs.forEach(function (z, k) {
        var below = z.gaps.length > 0;
        nodes.push({
          name: z.name,
          value: [zs.length === 1 ? 50 + (Number(r) % 2 ? 9 : -9) : (k + 1) * 100 / (zs.length + 1), Number(r)],
          symbol: "roundRect",
          symbolSize: [168, 46],
          itemStyle: {
            color: z.external ? "#eceff1" : (z.dmz ? "#fff8e1" : (below ? "#fdecea" : "#e8f5e9")),
            borderColor: below ? RED : GREEN,
            borderWidth: 2
          },
          label: {
            show: true,
            formatter: "{n|" + plain(z.name) + "}\n{t|" + gapText(z) + "}",
            rich: {
              n: { fontSize: 13, fontWeight: "bold", color: "#1b2430", lineHeight: 18 },
              t: { fontSize: 10, color: "#4a5565", lineHeight: 14 }
            }
          },
          tooltip: {
            formatter: esc(z.name) + "<br>SL-T " + z.sl_target.join(" ") + "<br>SL-A " + z.sl_achieved.join(" ") +
              "<br>" + z.findings.length + " finding(s)"
          }
        });
      });
    });
    // Edges: conduits (blue) and undeclared flows, one per (from, to, firewall) (red).
    var edges = [];
    data.conduits.forEach(function (c) {
      var fw = c.firewalls.length ? "enforced by " + c.firewalls.join(", ") : "no firewall named";
      edges.push({
        from: c.from, to: c.to, color: BLUE, dashed: false,
        arrows: c.bidirectional ? ["arrow", "arrow"] : ["none", "arrow"],
        text: c.name + "\n" + fw,
        tip: esc("conduit " + c.name + ": " + c.from + " → " + c.to) + "<br>" + esc(c.services.join(", ")) +
          "<br>" + esc(fw)
      });
    });
    // Boundaries the model gives a firewall but no conduit crosses: nothing may pass there.
    var joined = {};
    data.conduits.forEach(function (c) { joined[[c.from, c.to].sort().join("\u0000")] = true; });
    var known = {};
    data.zones.forEach(function (z) { known[z.name] = true; });
    data.firewalls.forEach(function (f) {
      f.boundaries.forEach(function (b) {
        var k = b.slice().sort().join("\u0000");
        if (joined[k] || !known[b[0]] || !known[b[1]]) { return; }
        joined[k] = true;
        edges.push({
          from: b[0], to: b[1], color: GREY, dashed: "dotted", arrows: ["none", "none"],
          text: "no conduit · " + f.name,
          tip: esc("boundary " + b[0] + " – " + b[1] + " enforced by " + f.name + ", crossed by no conduit")
        });
      });
    });
    var undeclared = {};
    data.flows.filter(function (f) { return !f.declared; }).forEach(function (f) {
      var key = f.from + "\u0000" + f.to + "\u0000" + f.firewall;
      if (!undeclared[key]) {
        undeclared[key] = { from: f.from, to: f.to, firewall: f.firewall, services: [] };
        edges.push(undeclared[key]);
      }
      var u = undeclared[key];
      var s = f.protocols.join(",") + (f.ports.length && f.ports[0] !== "any" ? "/" + f.ports.join(",") : "");
      if (u.services.indexOf(s) < 0) { u.services.push(s); }
    });
    edges.forEach(function (e) {
      if (e.services) {
        var shown = e.services.length > 3 ? e.services.slice(0, 3).concat(["…"]) : e.services;
        e.color = RED; e.dashed = true; e.arrows = ["none", "arrow"];
        e.text = "✗ undeclared " + shown.join(" ") + "\nvia " + e.firewall;
        e.tip = esc("undeclared flow " + e.from + " → " + e.to + " permitted by " + e.firewall) + "<br>" +
          esc(e.services.join(", "));
      }
    });
    // Edges between the same two zones bow apart; opposite directions bow to opposite sides
    // by themselves, so the sign follows the edge's direction.
    var seen = {}, total = {};
    edges.forEach(function (e) { var k = [e.from, e.to].sort().join("\u0000"); total[k] = (total[k] || 0) + 1; });
    var links = edges.map(function (e) {
      var k = [e.from, e.to].sort().join("\u0000");
      var i = seen[k] = (seen[k] || 0) + 1;
      var curve = 0;
      if (total[k] > 1) {
        curve = 0.22 * Math.ceil(i / 2) * (i % 2 ? 1 : -1) * (e.from < e.to ? 1 : -1);
      }
      return {
        source: e.from, target: e.to, symbol: e.arrows, symbolSize: 10,
        lineStyle: { color: e.color, width: 2, type: e.dashed === "dotted" ? "dotted" : (e.dashed ? "dashed" : "solid"), curveness: curve, opacity: 0.9 },
        tooltip: { formatter: e.tip },
        _text: e.text
      };
    });
    var bands = [];
    if (unassigned) {
      bands.push([{ yAxis: -0.5, name: "No Purdue level", itemStyle: { color: "#f7f7f7" } }, { yAxis: 0.5 }]);
    }
    rows.forEach(function (l, i) {
      bands.push([
        { yAxis: i + offset - 0.5, name: l[1], itemStyle: { color: (i % 2) ? "#f3f6fa" : "#e9eef5" } },
        { yAxis: i + offset + 0.5 }
      ]);
    });
    var height = Math.max(320, 110 * (rows.length + offset));
    el.style.height = height + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { confine: true },
      grid: { left: 8, right: 8, top: 8, bottom: 8 },
      xAxis: { type: "value", min: 0, max: 100, show: false },
      yAxis: { type: "value", min: -0.5, max: rows.length + offset - 0.5, show: false },
      series: [{
        type: "graph",
        coordinateSystem: "cartesian2d",
        layout: "none",
        data: nodes,
        links: links.map(function (l) { var c = Object.assign({}, l); delete c._text; return c; }),
        edgeLabel: { show: false },
        emphasis: { focus: "adjacency" },
        markArea: {
          silent: true,
          label: { show: true, position: "insideLeft", color: "#5b6778", fontSize: 12 },
          data: bands
        },
        z: 3
      }]
    });
    // Edge labels, level and legible: drawn at the middle of each (curved) edge, which ECharts
    // computes in pixels as a quadratic curve through the control point used here.
    var pos = {};
    nodes.forEach(function (n) { pos[n.name] = n.value; });
    var labels = links.filter(function (l) { return pos[l.source] && pos[l.target]; }).map(function (l) {
      var a = chart.convertToPixel({ gridIndex: 0 }, pos[l.source]);
      var b = chart.convertToPixel({ gridIndex: 0 }, pos[l.target]);
      var c = l.lineStyle.curveness;
      var cp = [(a[0] + b[0]) / 2 - (a[1] - b[1]) * c, (a[1] + b[1]) / 2 - (b[0] - a[0]) * c];
      var mid = [0.25 * a[0] + 0.5 * cp[0] + 0.25 * b[0], 0.25 * a[1] + 0.5 * cp[1] + 0.25 * b[1]];
      // A curved edge's label sits on the outside of its bow, so two edges between the same
      // zones keep their labels apart.
      var side = c === 0 ? "inside" : (mid[0] < (a[0] + b[0]) / 2 ? "left" : "right");
      return {
        value: chart.convertFromPixel({ gridIndex: 0 }, mid),
        label: { formatter: plain(l._text), color: l.lineStyle.color, position: side, distance: 2 }
      };
    });
    chart.setOption({
      series: [{}, {
        type: "scatter", data: labels, symbolSize: 1, silent: true, z: 6,
        label: {
          show: true, position: "inside", fontSize: 11, lineHeight: 14,
          backgroundColor: "rgba(255,255,255,0.92)", borderRadius: 3, padding: [2, 4]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawZoneCharts(data) {
    var charts = document.querySelectorAll(".zone-chart");
    Array.prototype.forEach.call(charts, function (el) {
      var z = data.zones[Number(el.getAttribute("data-zone"))];
      if (!z) { return; }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 32, right: 8, top: 28, bottom: 24 },
        legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.foundational.map(function (f) { return f.id; }) },
        yAxis: { type: "value", min: 0, max: 4, interval: 1, name: "SL", nameTextStyle: { fontSize: 10 } },
        series: [
          {
            name: "SL-T (target)", type: "bar", barGap: "10%",
            itemStyle: { color: "#b7c2d0" },
            label: { show: true, position: "top", fontSize: 10 },
            data: z.sl_target
          },
          {
            name: "SL-A (achieved)", type: "bar",
            itemStyle: { color: GREEN },
            label: { show: true, position: "top", fontSize: 10 },
            data: z.sl_achieved.map(function (a, i) {
              return { value: a, itemStyle: { color: a < z.sl_target[i] ? RED : GREEN } };
            })
          }
        ]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  try {
    if (typeof echarts === "undefined") { throw new Error("the charting library did not load"); }
    var data = JSON.parse(document.getElementById("palisade-report").textContent);
    drawDiagram(data);
    drawZoneCharts(data);
    if (!errors.length) { document.body.setAttribute("data-rendered", "ok"); }
  } catch (e) {
    fail(e);
    document.body.setAttribute("data-rendered", "failed");
  }
})();
