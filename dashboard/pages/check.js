// One check: its runs as a strip, its duration percentiles per day, the errors of
// its failing runs with their report and trace, and what each location saw last.
(() => {
  const D = globalThis.Dashboard;
  const F = globalThis.DashboardFormat;
  const C = globalThis.DashboardChart;
  const { h } = D;
  const KINDS = ["passed", "degraded", "failed", "retried", "skipped"];

  function checkId() {
    if (D.isStatic) return D.queryParam("id");
    const match = /^\/checks\/([^/]+)\/?$/.exec(location.pathname);
    if (!match) return null;
    try {
      return decodeURIComponent(match[1]);
    } catch {
      return null;
    }
  }

  function facts(check) {
    const rows = [
      ["Tier", check.tier],
      ["Project", check.project],
      ["File", check.file],
      ["Tags", check.tags?.length ? check.tags.join(" ") : "none"],
    ];
    return h(
      "dl",
      { class: "facts" },
      rows.map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value ?? "—"))),
    );
  }

  function runLabel(run, kind) {
    const retries =
      run.retries > 0 ? `, ${run.retries} ${run.retries === 1 ? "retry" : "retries"}` : "";
    return `${F.dateTime(run.startedAt)} · ${run.location}: ${F.statusLabel(kind)} in ${F.milliseconds(run.durationMs)}${retries}`;
  }

  function runStrip(runs, days) {
    const section = h(
      "section",
      { "aria-labelledby": "runs-heading" },
      h("h2", { id: "runs-heading" }, "Runs"),
    );
    if (!runs.length) {
      section.append(h("p", { class: "quiet" }, `No runs in the last ${days} days.`));
      return section;
    }
    const counts = Object.fromEntries(KINDS.map((kind) => [kind, 0]));
    // Oldest on the left, as on a time axis; the API sends newest first.
    const strip = h("ol", {
      class: "run-strip",
      "aria-label": `Runs from ${F.dateTime(runs.at(-1).startedAt)} to ${F.dateTime(runs[0].startedAt)}, oldest first`,
    });
    for (const run of [...runs].reverse()) {
      const kind = F.runKind(run);
      counts[kind] += 1;
      const label = runLabel(run, kind);
      strip.append(
        h("li", {
          class: `run run-${kind}`,
          "data-kind": kind,
          "data-run-id": run.runId,
          title: label,
          "aria-label": label,
        }),
      );
    }
    section.append(
      h(
        "p",
        {},
        `${runs.length} runs${runs.length >= 500 ? " (the newest 500 of the period)" : ""}: `,
        KINDS.filter((kind) => counts[kind])
          .map((kind) => `${counts[kind]} ${kind}`)
          .join(", "),
        ".",
      ),
      h(
        "ul",
        { class: "legend", "aria-label": "Legend" },
        KINDS.map((kind) =>
          h(
            "li",
            {},
            h("span", { class: `swatch run-${kind}`, "aria-hidden": "true" }),
            F.statusLabel(kind),
          ),
        ),
      ),
      strip,
    );
    return section;
  }

  function percentileChart(parent, percentiles) {
    const section = h("section", { "aria-labelledby": "durations-heading" });
    parent.append(section);
    const p95s = percentiles.map((p) => p.p95).filter(Number.isFinite);
    const summary = percentiles.length
      ? `Daily duration percentiles over ${percentiles.length} days; p95 from ${F.milliseconds(Math.min(...p95s))} to ${F.milliseconds(Math.max(...p95s))}, latest ${F.milliseconds(percentiles.at(-1).p95)}.`
      : "No durations in this period.";
    const figure = C.lineChart(section, {
      heading: "Duration p50, p95 and p99 per day",
      summary,
      series: ["p50", "p95", "p99"].map((key, i) => ({
        label: key,
        width: key === "p95" ? 2.5 : 1.5,
        dash: key === "p99" ? [6, 4] : undefined,
        colour: C.colour(i),
        points: percentiles.map((p) => ({ x: p.day, y: p[key] })),
      })),
    });
    figure.querySelector("h2").id = "durations-heading";
  }

  function errorCell(run) {
    return [
      run.diagnosis ? h("p", { class: "diagnosis" }, run.diagnosis) : null,
      run.error
        ? h("pre", { class: "error-text" }, run.error)
        : h("span", { class: "quiet" }, "no error text"),
    ];
  }

  function artifactLinks(run) {
    const links = [];
    if (run.reportUrl) links.push(D.link(run.reportUrl, "Report", { class: "report-link" }));
    if (run.traceUrl) links.push(D.link(run.traceUrl, "Trace", { class: "trace-link" }));
    if (!links.length) return h("span", { class: "quiet" }, "none kept");
    return links.flatMap((link, i) => (i ? [" · ", link] : [link]));
  }

  function failingRuns(runs) {
    const failing = runs.filter((run) => F.runKind(run) === "failed");
    const section = h(
      "section",
      { "aria-labelledby": "failing-heading" },
      h("h2", { id: "failing-heading" }, "Failing runs"),
    );
    if (!failing.length) {
      section.append(h("p", { class: "quiet" }, "No failing runs in this period."));
      return section;
    }
    section.append(
      D.table({
        label: "Failing runs",
        className: "failing-runs",
        head: ["Started", "Location", "Status", "Error", "Artifacts"],
        rowAttributes: (i) => ({ "data-run-id": failing[i].runId }),
        rows: failing.map((run) => [
          D.time(run.startedAt),
          run.location,
          D.statusBadge(run.status === "timed-out" ? "failed" : run.status),
          errorCell(run),
          artifactLinks(run),
        ]),
      }),
    );
    return section;
  }

  function locations(list) {
    const section = h(
      "section",
      { "aria-labelledby": "locations-heading" },
      h("h2", { id: "locations-heading" }, "Locations"),
    );
    if (!list?.length) {
      section.append(h("p", { class: "quiet" }, "No location has run this check."));
      return section;
    }
    section.append(
      D.table({
        label: "Locations",
        className: "locations",
        head: ["Location", "Latest result", "At"],
        rows: list.map((item) => [
          item.location,
          D.statusBadge(F.runKind({ status: item.status, retries: 0 })),
          D.time(item.startedAt),
        ]),
      }),
    );
    return section;
  }

  D.page(async (main) => {
    const id = checkId();
    if (!id) throw new Error("this address names no check (expected /checks/<id>)");
    const days = D.daysParam(7);
    const key = encodeURIComponent(id);
    const data = await D.load(`checks/${key}`, `checks/${key}`, { days });
    const check = data.check ?? {};
    main.querySelector("h1").textContent = check.title ?? id;
    document.title = `${check.title ?? id} · Check · Synthetic monitor`;
    const runs = data.runs ?? [];
    D.append(main, [
      facts(check),
      D.daysSelector(days),
      D.snapshotNote(data.generatedAt),
      runStrip(runs, days),
    ]);
    percentileChart(main, data.percentiles ?? []);
    D.append(main, [failingRuns(runs), locations(data.locations)]);
  });
})();
