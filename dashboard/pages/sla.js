// SLA figures: uptime and p95 per tier over a chosen period of whole UTC days,
// with the same figures as a CSV download.
(() => {
  const D = globalThis.Dashboard;
  const F = globalThis.DashboardFormat;
  const { h } = D;
  const DAY = 86_400_000;
  const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

  // The period in the page's URL (?from=YYYY-MM-DD&to=YYYY-MM-DD, `to` included), else the last 30 days.
  function period() {
    const today = F.isoDay(Date.now());
    const from = D.queryParam("from");
    const to = D.queryParam("to");
    return {
      from: from && DAY_PATTERN.test(from) ? from : F.isoDay(Date.now() - 30 * DAY),
      to: to && DAY_PATTERN.test(to) ? to : today,
    };
  }

  // The API's instants: the start of `from` to the end of `to`.
  function apiParams({ from, to }) {
    const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY);
    return {
      from: `${from}T00:00:00.000Z`,
      to: Number.isNaN(end.getTime()) ? to : end.toISOString(),
    };
  }

  function periodForm({ from, to }) {
    return h(
      "form",
      { class: "period-form live-only", method: "get", hidden: D.isStatic },
      h(
        "label",
        { for: "from" },
        "From",
        h("input", { type: "date", id: "from", name: "from", value: from, required: true }),
      ),
      h(
        "label",
        { for: "to" },
        "To (included)",
        h("input", { type: "date", id: "to", name: "to", value: to, required: true }),
      ),
      h("button", { type: "submit" }, "Show"),
    );
  }

  function csvLink(params) {
    const href = D.isStatic
      ? "data/sla.csv"
      : `/api/sla?${new URLSearchParams({ ...params, format: "csv" }).toString()}`;
    const anchor = h("a", { class: "csv-link" }, "Download CSV");
    anchor.setAttribute("href", href);
    return h(
      "p",
      {},
      anchor,
      h("span", { class: "quiet" }, " (tier, label, uptime, p95_ms, checks)"),
    );
  }

  D.page(async (main) => {
    const chosen = period();
    const params = apiParams(chosen);
    main.append(periodForm(chosen));
    const data = await D.load("sla", "sla", params);
    const rows = data.rows ?? [];
    D.append(main, [
      D.snapshotNote(data.generatedAt),
      h(
        "p",
        {},
        "Period: ",
        D.time(data.from),
        " to ",
        D.time(data.to),
        ". Uptime: results that did not fail, of all results (skipped ones say nothing).",
      ),
      rows.length
        ? D.table({
            className: "sla-table",
            caption: "Uptime and p95 duration per tier",
            head: ["Tier", "Uptime", "p95 duration", "Checks"],
            rowAttributes: (i) => ({
              "data-tier": rows[i].tier,
              "data-share": rows[i].uptime ?? "",
            }),
            rows: rows.map((row) => [
              row.label,
              F.percent(row.uptime),
              F.milliseconds(row.p95Ms),
              String(row.checks ?? 0),
            ]),
          })
        : h("p", { class: "quiet" }, "No results in this period."),
      csvLink(params),
    ]);
  });
})();
