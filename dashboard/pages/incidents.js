// Incidents: what fired and when it resolved, the notifications each sent per
// channel and whether the channel accepted them, and silences and maintenance
// windows on the same timeline.
(() => {
  const D = globalThis.Dashboard;
  const F = globalThis.DashboardFormat;
  const { h } = D;
  const DAY = 86_400_000;

  function matcherText(matchers) {
    if (matchers === null || matchers === undefined) return "—";
    if (typeof matchers !== "object") return String(matchers);
    if (Array.isArray(matchers)) return matchers.map(matcherText).join(", ");
    if ("name" in matchers && "value" in matchers) {
      const op = matchers.isRegex ? "=~" : matchers.isEqual === false ? "!=" : "=";
      return `${matchers.name}${op}${matchers.value}`;
    }
    return Object.entries(matchers)
      .map(
        ([name, value]) => `${name}=${typeof value === "object" ? JSON.stringify(value) : value}`,
      )
      .join(", ");
  }

  // One row per item, its bar placed by share of the period (CSSOM, which the CSP allows).
  function timeline(items, start, end) {
    const span = Math.max(1, end - start);
    const list = h("ol", {
      class: "timeline",
      "aria-label": "Timeline of the period, oldest left",
    });
    for (const item of items) {
      const from = Math.max(start, Date.parse(item.start));
      const to = Math.min(end, item.end ? Date.parse(item.end) : end);
      const text = `${item.kindLabel}: ${item.title} (${F.dateTime(item.start)} – ${item.end ? F.dateTime(item.end) : "ongoing"})`;
      const bar = h("div", {
        class: `timeline-bar kind-${item.kind}${item.end ? "" : " open"}`,
        "aria-hidden": "true",
      });
      bar.style.left = `${((from - start) / span) * 100}%`;
      bar.style.width = `${(Math.max(0, to - from) / span) * 100}%`;
      list.append(
        h(
          "li",
          { class: "timeline-row", title: text },
          h("span", { class: "timeline-label" }, text),
          h("span", { class: "timeline-track" }, bar),
        ),
      );
    }
    return h(
      "div",
      {},
      list,
      h(
        "div",
        { class: "timeline-axis", "aria-hidden": "true" },
        h("span", {}),
        h(
          "span",
          {},
          h("span", {}, F.dateTime(new Date(start).toISOString())),
          h("span", {}, F.dateTime(new Date(end).toISOString())),
        ),
      ),
    );
  }

  function notificationList(notifications) {
    if (!notifications?.length) return h("span", { class: "quiet" }, "none sent");
    return h(
      "ul",
      { class: "notifications" },
      notifications.map((n) =>
        h(
          "li",
          {},
          D.time(n.at),
          ` · ${n.channel} · ${n.reason} · `,
          n.accepted
            ? h("span", { class: "accepted-yes" }, "✓ accepted")
            : h("span", { class: "accepted-no" }, "✕ not accepted"),
        ),
      ),
    );
  }

  function section(id, heading, content) {
    return h("section", { "aria-labelledby": id }, h("h2", { id }, heading), content);
  }

  function incidentTable(incidents) {
    if (!incidents.length) return h("p", { class: "quiet" }, "No incidents in this period.");
    return D.table({
      label: "Incidents",
      className: "incident-table",
      head: ["Incident", "Tier", "Fired", "Resolved", "Lasted", "Notifications"],
      rowAttributes: (i) => ({ "data-fingerprint": incidents[i].fingerprint }),
      rows: incidents.map((incident) => [
        incident.title,
        incident.tier,
        D.time(incident.firedAt),
        incident.resolvedAt
          ? D.time(incident.resolvedAt)
          : h("span", { class: "status status-down", "data-status": "open" }, "● Still open"),
        incident.resolvedAt
          ? F.duration(Date.parse(incident.resolvedAt) - Date.parse(incident.firedAt))
          : `${F.since(incident.firedAt)} so far`,
        notificationList(incident.notifications),
      ]),
    });
  }

  D.page(async (main) => {
    const days = D.daysParam(30);
    const data = await D.load("incidents", "incidents", { days });
    const incidents = data.incidents ?? [];
    const silences = data.silences ?? [];
    const maintenance = data.maintenance ?? [];
    const items = [
      ...incidents.map((i) => ({
        kind: "incident",
        kindLabel: "Incident",
        title: i.title,
        start: i.firedAt,
        end: i.resolvedAt,
      })),
      ...silences.map((s) => ({
        kind: "silence",
        kindLabel: "Silence",
        title: s.comment || matcherText(s.matchers),
        start: s.startsAt,
        end: s.endsAt,
      })),
      ...maintenance.map((m) => ({
        kind: "maintenance",
        kindLabel: `Maintenance (${m.effect})`,
        title: m.id,
        start: m.startsAt,
        end: m.endsAt,
      })),
    ].filter((item) => !Number.isNaN(Date.parse(item.start)));
    items.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    // A snapshot's period ends at its last event, not at the time it is opened.
    const instants = items.flatMap((item) => [
      Date.parse(item.start),
      Date.parse(item.end ?? item.start),
    ]);
    const end = D.isStatic && instants.length ? Math.max(...instants) : Date.now();
    const start = end - days * DAY;

    D.append(main, [
      D.daysSelector(days),
      D.snapshotNote(data.generatedAt),
      section(
        "timeline-heading",
        "Timeline",
        items.length
          ? [
              h(
                "p",
                { class: "quiet" },
                "Red: incidents (a dark end: still open). Grey: silences. Blue: maintenance.",
              ),
              timeline(items, start, end),
            ]
          : h(
              "p",
              { class: "quiet" },
              "Nothing fired, was silenced or was in maintenance in this period.",
            ),
      ),
      section("incidents-heading", "Incidents", incidentTable(incidents)),
      section(
        "silences-heading",
        "Silences",
        silences.length
          ? D.table({
              label: "Silences",
              className: "silences",
              head: ["Matchers", "Starts", "Ends", "Comment"],
              rows: silences.map((s) => [
                matcherText(s.matchers),
                D.time(s.startsAt),
                D.time(s.endsAt),
                s.comment ?? "",
              ]),
            })
          : h("p", { class: "quiet" }, "No silences in this period."),
      ),
      section(
        "maintenance-heading",
        "Maintenance windows",
        maintenance.length
          ? D.table({
              label: "Maintenance windows",
              className: "maintenance",
              head: ["Window", "Starts", "Ends", "Effect"],
              rows: maintenance.map((m) => [m.id, D.time(m.startsAt), D.time(m.endsAt), m.effect]),
            })
          : h("p", { class: "quiet" }, "No maintenance windows in this period."),
      ),
    ]);
  });
})();
