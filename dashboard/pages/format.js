// Pure formatting of the API's values into the words the pages show. No DOM here,
// so a test can run this file in a bare `vm` context and check the figures.
// A classic script (see ASSETS.md: modules do not load from file:).
(() => {
  const STATUS_LABELS = {
    up: "Up",
    degraded: "Degraded",
    down: "Down",
    paused: "Paused",
    maintenance: "In maintenance",
    unknown: "Unknown",
    none: "No data",
    passed: "Passed",
    failed: "Failed",
    retried: "Retried",
    skipped: "Skipped",
  };

  // A symbol beside each label, so status never rests on colour alone.
  const STATUS_SYMBOLS = {
    up: "✓",
    passed: "✓",
    degraded: "!",
    down: "✕",
    failed: "✕",
    paused: "‖",
    maintenance: "⚒",
    retried: "↻",
    skipped: "–",
    unknown: "?",
    none: "·",
  };

  function statusLabel(status) {
    return STATUS_LABELS[status] ?? String(status);
  }

  function statusSymbol(status) {
    return STATUS_SYMBOLS[status] ?? "?";
  }

  // Floored, so a single failure in 90 days never reads "100.00%".
  function percent(share) {
    if (share === null || share === undefined || !Number.isFinite(share)) return "no data";
    return `${(Math.floor(share * 10000 + 1e-7) / 100).toFixed(2)}%`;
  }

  function milliseconds(ms) {
    if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
    if (ms < 10_000) return `${Math.round(ms).toLocaleString("en-US")} ms`;
    return `${(ms / 1000).toFixed(1)} s`;
  }

  // "2026-12-03 12:15 UTC": one zone everywhere, as the API's days are UTC days.
  function dateTime(iso) {
    if (!iso) return "—";
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  }

  function duration(ms) {
    if (!Number.isFinite(ms) || ms < 0) return "—";
    const minutes = Math.floor(ms / 60_000);
    if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours} h ${minutes % 60} min`;
    return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  }

  function since(iso, now = Date.now()) {
    const start = Date.parse(iso);
    return Number.isNaN(start) ? "—" : duration(now - start);
  }

  // The words behind one cell of a 90-day bar. Public days carry only a status.
  function dayLabel(day) {
    if (day.total === undefined) return `${day.day}: ${statusLabel(day.status)}`;
    if (!day.total)
      return `${day.day}: no runs${day.status === "maintenance" ? " · maintenance" : ""}`;
    let text = `${day.day}: ${day.failed ?? 0} failed of ${day.total}`;
    if (day.degraded) text += `, ${day.degraded} degraded`;
    if (day.status === "maintenance") text += " · maintenance";
    return text;
  }

  // The strip's five kinds: a pass after a retry (flaky) is told apart from a clean pass.
  function runKind(run) {
    switch (run.status) {
      case "failed":
      case "timed-out":
        return "failed";
      case "skipped":
        return "skipped";
      case "degraded":
        return "degraded";
      case "flaky":
        return "retried";
      default:
        return run.retries > 0 ? "retried" : "passed";
    }
  }

  // "2026-12-03": the UTC day of an instant (date inputs, day keys).
  function isoDay(date) {
    return new Date(date).toISOString().slice(0, 10);
  }

  globalThis.DashboardFormat = Object.freeze({
    statusLabel,
    statusSymbol,
    percent,
    milliseconds,
    dateTime,
    duration,
    since,
    dayLabel,
    runKind,
    isoDay,
  });
})();
