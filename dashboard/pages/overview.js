// The overview: one section per tier with its status now, uptime over four
// windows, the 90-day bar, what is failing now and the tier's checks.
(() => {
  const D = globalThis.Dashboard;
  const F = globalThis.DashboardFormat;
  const { h } = D;
  const WINDOWS = ["24h", "7d", "30d", "90d"];
  const WINDOW_NAMES = { "24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days" };

  function cycleLine(data) {
    const last = data.lastCycle;
    return h(
      "p",
      { class: "cycle-line" },
      last ? ["Last cycle ", D.time(last.endedAt), " (", last.status, ")"] : "No cycle has run yet",
      " · ",
      data.nextDueAt ? ["next due ", D.time(data.nextDueAt)] : "next not scheduled",
    );
  }

  function uptimeList(uptime) {
    return h(
      "dl",
      { class: "uptime" },
      WINDOWS.map((window) => {
        const share = uptime?.[window];
        return h(
          "div",
          { class: "uptime-item", "data-window": window, "data-share": share ?? "" },
          h("dt", {}, h("abbr", { title: `uptime over ${WINDOW_NAMES[window]}` }, window)),
          h("dd", {}, F.percent(share)),
        );
      }),
    );
  }

  function incidentList(incidents, now) {
    if (!incidents?.length) return h("p", { class: "quiet" }, "No open incidents.");
    return h(
      "ul",
      { class: "incidents" },
      incidents.map((incident) =>
        h(
          "li",
          {},
          D.pageLink("check", incident.checkId, incident.title),
          " — failing since ",
          D.time(incident.failingSince),
          ` (${F.since(incident.failingSince, now)})`,
        ),
      ),
    );
  }

  function checkList(checks) {
    if (!checks?.length) return h("p", { class: "quiet" }, "No checks in this tier.");
    return h(
      "ul",
      { class: "checks" },
      checks.map((check) =>
        h(
          "li",
          { "data-check-id": check.checkId },
          D.statusBadge(check.status),
          " ",
          D.pageLink("check", check.checkId, check.title),
          check.project ? h("span", { class: "quiet" }, ` · ${check.project}`) : null,
        ),
      ),
    );
  }

  function tierSection(tier, now) {
    const headingId = `tier-${tier.tier}`.replace(/[^a-zA-Z0-9_-]/g, "_");
    return h(
      "section",
      { class: "tier", "data-tier": tier.tier, "aria-labelledby": headingId },
      h(
        "div",
        { class: "tier-head" },
        h("h2", { id: headingId }, tier.label),
        D.statusBadge(tier.status),
      ),
      uptimeList(tier.uptime),
      D.dayBar(tier.days ?? [], tier.label),
      h(
        "div",
        { class: "tier-lists" },
        h("div", {}, h("h3", {}, "Open incidents"), incidentList(tier.incidents, now)),
        h("div", {}, h("h3", {}, "Checks"), checkList(tier.checks)),
      ),
    );
  }

  D.page(async (main) => {
    const data = await D.load("overview", "overview");
    const now = Date.parse(data.generatedAt) || Date.now();
    D.append(main, [
      D.snapshotNote(data.generatedAt),
      cycleLine(data),
      h(
        "div",
        { class: "tiers" },
        (data.tiers ?? []).map((tier) => tierSection(tier, now)),
      ),
    ]);
  });
})();
