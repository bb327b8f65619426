// The public status page: per tier its status now, uptime and 90-day bar, and
// the incidents (tier, start, end). It shows only what /api/status gives, which
// holds no error text, no internal URLs and only checks marked @public; it links
// to no private page.
(() => {
  const D = globalThis.Dashboard;
  const F = globalThis.DashboardFormat;
  const { h } = D;
  const WINDOWS = ["24h", "7d", "30d", "90d"];

  // Worst first: the headline is the worst tier's.
  const HEADLINES = [
    ["down", "Partial outage"],
    ["degraded", "Degraded performance"],
    ["maintenance", "Maintenance in progress"],
    ["up", "All systems operational"],
  ];

  function headline(tiers, databaseDown) {
    const statuses = new Set(tiers.map((tier) => tier.status));
    const found = databaseDown ? undefined : HEADLINES.find(([status]) => statuses.has(status));
    const [status, text] = found ?? ["unknown", "Status unknown"];
    return h("p", { class: `overall overall-${status}`, "data-status": status }, text);
  }

  function uptimeLine(uptime) {
    if (typeof uptime === "number" || uptime === null)
      return h("p", { class: "uptime-line" }, `Uptime ${F.percent(uptime)}`);
    return h(
      "p",
      { class: "uptime-line" },
      "Uptime: ",
      WINDOWS.map((window, i) =>
        h(
          "span",
          { "data-window": window, "data-share": uptime?.[window] ?? "" },
          `${i ? " · " : ""}${window} ${F.percent(uptime?.[window])}`,
        ),
      ),
    );
  }

  function tierItem(tier) {
    const headingId = `tier-${tier.tier}`.replace(/[^a-zA-Z0-9_-]/g, "_");
    return h(
      "li",
      { class: "status-tier", "data-tier": tier.tier },
      h(
        "div",
        { class: "tier-head" },
        h("h2", { id: headingId }, tier.label),
        D.statusBadge(tier.status),
      ),
      uptimeLine(tier.uptime),
      D.dayBar(tier.days ?? [], tier.label),
    );
  }

  function incidents(list) {
    const section = h(
      "section",
      { "aria-labelledby": "incidents-heading" },
      h("h2", { id: "incidents-heading" }, "Incidents in the last 90 days"),
    );
    if (!list.length) {
      section.append(h("p", { class: "quiet" }, "No incidents in the last 90 days."));
      return section;
    }
    section.append(
      D.table({
        label: "Incidents",
        className: "status-incidents",
        head: ["Service", "Started", "Resolved", "Lasted"],
        rows: list.map((incident) => [
          incident.label ?? incident.tier,
          D.time(incident.startedAt),
          incident.resolvedAt ? D.time(incident.resolvedAt) : "Ongoing",
          incident.resolvedAt
            ? F.duration(Date.parse(incident.resolvedAt) - Date.parse(incident.startedAt))
            : `${F.since(incident.startedAt)} so far`,
        ]),
      }),
    );
    return section;
  }

  function publicChecks(checks) {
    if (!checks?.length) return null;
    return h(
      "section",
      { "aria-labelledby": "checks-heading" },
      h("h2", { id: "checks-heading" }, "Checks"),
      D.table({
        label: "Checks",
        className: "status-checks",
        head: ["Check", "Service", "Status"],
        rows: checks.map((check) => [check.title, check.tier, D.statusBadge(check.status)]),
      }),
    );
  }

  D.page(async (main) => {
    const data = await D.load("status", "status");
    const tiers = data.tiers ?? [];
    D.append(main, [
      headline(tiers, data.database?.ok === false),
      h("p", { class: "quiet" }, "Updated ", D.time(data.generatedAt), "."),
      h("ul", { class: "status-tiers", "aria-label": "Services" }, tiers.map(tierItem)),
      publicChecks(data.checks),
      incidents(data.incidents ?? []),
    ]);
  });
})();
