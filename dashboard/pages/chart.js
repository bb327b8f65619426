// Line charts over time with uPlot (the global from uplot.iife.min.js): series of
// milliseconds, horizontal lines (SLA budgets) and labelled vertical lines
// (versions, deploys). The canvas is hidden from assistive tech; each chart
// carries its text alternative: a summary and a table of each series' figures.
(() => {
  const D = globalThis.Dashboard;
  const F = globalThis.DashboardFormat;
  const { h } = D;

  // Distinct at a glance and each at least 4.5:1 on white.
  const PALETTE = ["#0550ae", "#8250df", "#1a7f37", "#bf3989", "#9a6700", "#0a7d8c", "#6e5494"];

  function colour(index) {
    return PALETTE[index % PALETTE.length];
  }

  // Instants (ISO) of several series onto one sorted x axis in seconds, nulls where a series has no point.
  function align(seriesList) {
    const xs = new Set();
    for (const series of seriesList) for (const point of series.points) xs.add(point.x);
    const x = [...xs].sort((a, b) => a - b);
    const index = new Map(x.map((value, i) => [value, i]));
    const columns = seriesList.map((series) => {
      const values = new Array(x.length).fill(null);
      for (const point of series.points) values[index.get(point.x)] = point.y;
      return values;
    });
    return { x, columns };
  }

  function seconds(iso) {
    return Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 1000;
  }

  function median(values) {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    if (!sorted.length) return null;
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  function statsTable(series, columns, hLines) {
    const budget = hLines[0]?.value;
    const head = ["Series", "Latest", "Median", "Highest", "Points"];
    if (budget !== undefined) head.push(`Over ${F.milliseconds(budget)}`);
    const rows = series.map((item, i) => {
      const values = columns[i].filter(Number.isFinite);
      const row = [
        item.label,
        F.milliseconds(values.at(-1)),
        F.milliseconds(median(values)),
        F.milliseconds(values.length ? Math.max(...values) : null),
        String(values.length),
      ];
      if (budget !== undefined) row.push(String(values.filter((v) => v > budget).length));
      return row;
    });
    return D.table({ caption: "Figures per series", head, rows, className: "chart-table" });
  }

  // Time ticks in UTC and 24 h: a day at midnight, the hour otherwise.
  function tick(value) {
    const iso = new Date(value * 1000).toISOString();
    return iso.slice(11, 16) === "00:00" ? iso.slice(5, 10) : iso.slice(11, 16);
  }

  // One unit for the whole axis: seconds once any tick reaches 10 s.
  function yTick(splits) {
    const seconds = Math.max(...splits) >= 10_000;
    return (v) =>
      seconds ? `${+(v / 1000).toFixed(1)} s` : `${Math.round(v).toLocaleString("en-US")} ms`;
  }

  // Text on a white box, so a label stays readable over the lines beneath it.
  function label(ctx, text, x, y, ratio, colour) {
    const width = ctx.measureText(text).width;
    const left = ctx.textAlign === "right" ? x - width : x;
    ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
    ctx.fillRect(left - 2 * ratio, y - 11 * ratio, width + 4 * ratio, 14 * ratio);
    ctx.fillStyle = colour;
    ctx.fillText(text, x, y);
  }

  function drawGuides(u, hLines, vLines) {
    const { ctx, bbox } = u;
    const ratio = globalThis.uPlot.pxRatio;
    ctx.save();
    ctx.font = `${12 * ratio}px system-ui, sans-serif`;
    ctx.lineWidth = 1.5 * ratio;
    for (const line of hLines) {
      const y = u.valToPos(line.value, "y", true);
      if (y < bbox.top || y > bbox.top + bbox.height) continue;
      ctx.strokeStyle = line.colour ?? "#cf222e";
      ctx.setLineDash([8 * ratio, 5 * ratio]);
      ctx.beginPath();
      ctx.moveTo(bbox.left, y);
      ctx.lineTo(bbox.left + bbox.width, y);
      ctx.stroke();
      ctx.textAlign = "right";
      // Below the line: the markers' labels use the top of the plot.
      label(
        ctx,
        line.label,
        bbox.left + bbox.width - 4 * ratio,
        y + 15 * ratio,
        ratio,
        ctx.strokeStyle,
      );
    }
    ctx.setLineDash([2 * ratio, 3 * ratio]);
    // Each label takes the first of three rows where it clears the one before it;
    // with no room it is left out (the line stays, and the table below lists it).
    const rowEnds = [-Infinity, -Infinity, -Infinity];
    for (const line of [...vLines].sort((a, b) => a.at - b.at)) {
      const x = u.valToPos(line.at, "x", true);
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.strokeStyle = "#57606a";
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.textAlign = x > bbox.left + bbox.width * 0.7 ? "right" : "left";
      const dx = ctx.textAlign === "right" ? -4 * ratio : 4 * ratio;
      const width = ctx.measureText(line.label).width;
      const left = ctx.textAlign === "right" ? x + dx - width : x + dx;
      const row = rowEnds.findIndex((end) => end + 6 * ratio < left);
      if (row === -1) continue;
      rowEnds[row] = left + width;
      label(ctx, line.label, x + dx, bbox.top + (14 + row * 15) * ratio, ratio, "#1f2328");
    }
    ctx.restore();
  }

  // series: [{ label, points: [{x: ISO, y: ms}], dash?, width? }]; hLines: [{value, label}];
  // vLines: [{at: ISO, label}]. Appends a <figure> to parent and draws into it.
  function lineChart(parent, { heading, level = 2, summary, series, hLines = [], vLines = [] }) {
    const prepared = series.map((item) => ({
      ...item,
      points: item.points.map((p) => ({ x: seconds(p.x), y: p.y })),
    }));
    const { x, columns } = align(prepared);
    const canvas = h("div", { class: "chart-canvas", "aria-hidden": "true" });
    const figure = h(
      "figure",
      { class: "chart" },
      h("figcaption", {}, h(`h${level}`, {}, heading), h("p", { class: "chart-summary" }, summary)),
      canvas,
      h("details", {}, h("summary", {}, "Figures as a table"), statsTable(series, columns, hLines)),
    );
    parent.append(figure);
    if (!x.length) {
      canvas.append(h("p", { class: "quiet" }, "No data in this period."));
      return figure;
    }
    if (typeof globalThis.uPlot !== "function") {
      canvas.append(
        h("p", { class: "quiet" }, "The chart library did not load; the table has the figures."),
      );
      return figure;
    }
    const guides = hLines.map((line) => ({ ...line }));
    const markers = vLines.map((line) => ({ ...line, at: seconds(line.at) }));
    const width = () => Math.max(280, canvas.clientWidth || parent.clientWidth || 600);
    const plot = new globalThis.uPlot(
      {
        width: width(),
        height: 260,
        tzDate: (ts) => globalThis.uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        cursor: { drag: { x: true, y: false } },
        scales: {
          // A few hours of data (a new monitor): a window around them, not uPlot's years-wide guess.
          x: {
            time: true,
            range: (_u, min, max) =>
              max - min < 6 * 3600 ? [min - 3 * 3600, max + 3 * 3600] : [min, max],
          },
          y: {
            range: (_u, _min, max) => [
              0,
              // Headroom over the budget for the markers' labels.
              Math.max(max ?? 0, ...guides.map((line) => line.value)) * 1.4 || 1,
            ],
          },
        },
        axes: [
          {
            stroke: "#57606a",
            grid: { stroke: "#eaeef2" },
            values: (_u, splits) => splits.map(tick),
          },
          {
            stroke: "#57606a",
            grid: { stroke: "#eaeef2" },
            size: 70,
            values: (_u, splits) => splits.map(yTick(splits)),
          },
        ],
        series: [
          { label: "Time (UTC)", value: (_u, v) => (v === null ? "—" : F.dateTime(v * 1000)) },
          ...series.map((item, i) => ({
            label: item.label,
            stroke: item.colour ?? colour(i),
            width: item.width ?? 1.5,
            dash: item.dash,
            // A line needs two points: with fewer, the point itself is drawn.
            points: { show: item.points.length < 3 },
            value: (_u, v) => F.milliseconds(v),
          })),
        ],
        hooks: { draw: [(u) => drawGuides(u, guides, markers)] },
      },
      [x, ...columns],
      canvas,
    );
    new ResizeObserver(() => {
      const next = width();
      if (Math.abs(next - plot.width) > 4) plot.setSize({ width: next, height: 260 });
    }).observe(figure);
    return figure;
  }

  globalThis.DashboardChart = Object.freeze({ lineChart, colour });
})();
