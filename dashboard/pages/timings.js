// Timings: one chart per timing name (TTFB, LCP, API and auth latencies, /health),
// a p95 line per check by the hour, the name's SLA budget as a horizontal line,
// and version changes and deploys as labelled vertical lines.
(() => {
  const D = globalThis.Dashboard;
  const F = globalThis.DashboardFormat;
  const C = globalThis.DashboardChart;
  const { h } = D;

  function summaryOf(name, series, budget, markerCount) {
    const values = series.flatMap((item) => item.points.map((p) => p.p95)).filter(Number.isFinite);
    if (!values.length) return `${name}: no measurements in this period.`;
    const highest = Math.max(...values);
    const over = budget === undefined ? 0 : values.filter((v) => v > budget).length;
    const parts = [
      `${name}: hourly p95 of ${series.length} ${series.length === 1 ? "check" : "checks"}, highest ${F.milliseconds(highest)}.`,
      budget === undefined
        ? "No SLA budget."
        : `Budget ${F.milliseconds(budget)}: ${over} of ${values.length} hours over it.`,
    ];
    if (markerCount)
      parts.push(`${markerCount} version or deploy ${markerCount === 1 ? "marker" : "markers"}.`);
    return parts.join(" ");
  }

  function markerList(markers) {
    if (!markers.length) return null;
    return h(
      "section",
      { "aria-labelledby": "markers-heading" },
      h("h2", { id: "markers-heading" }, "Versions and deploys"),
      D.table({
        label: "Versions and deploys",
        className: "markers",
        head: ["At", "Kind", "What"],
        rows: markers.map((marker) => [D.time(marker.at), marker.kind, marker.label]),
      }),
    );
  }

  D.page(async (main) => {
    const days = D.daysParam(7);
    const data = await D.load("timings", "timings", { days });
    const budgets = data.budgets ?? {};
    const markers = (data.markers ?? []).filter((marker) => !Number.isNaN(Date.parse(marker.at)));
    D.append(main, [
      D.daysSelector(days),
      D.snapshotNote(data.generatedAt),
      h(
        "p",
        { class: "quiet" },
        "Each line is one check's p95 per hour. Dashed red: the SLA budget. Dotted grey: a version change or deploy.",
      ),
    ]);
    const names = data.names ?? [];
    if (!names.length) {
      main.append(h("p", { class: "quiet" }, "No check recorded a timing in this period."));
    }
    for (const name of names) {
      const series = (data.series ?? []).filter((item) => item.name === name);
      const budget = Number.isFinite(budgets[name]) ? budgets[name] : undefined;
      C.lineChart(main, {
        heading: name,
        summary: summaryOf(name, series, budget, markers.length),
        series: series.map((item) => ({
          label: item.title,
          points: item.points.map((p) => ({ x: p.hour, y: p.p95 })),
        })),
        hLines:
          budget === undefined
            ? []
            : [{ value: budget, label: `budget ${F.milliseconds(budget)}` }],
        vLines: markers.map((marker) => ({ at: marker.at, label: marker.label })),
      });
    }
    D.append(main, [markerList(markers)]);
  });
})();
