// What every page shares: loading its data (the live API, or a static export's
// data files), the error banners, and building the DOM from data safely.
// Data only ever reaches the page as text nodes or allow-listed attributes; there
// is no innerHTML anywhere in dashboard/pages. A classic script (see ASSETS.md).
(() => {
  const F = globalThis.DashboardFormat;

  const isStatic =
    location.protocol === "file:" ||
    document.documentElement.hasAttribute("data-static") ||
    document.querySelector('meta[name="dashboard-export"]') !== null;

  class LoadError extends Error {
    constructor(message, { login = false } = {}) {
      super(message);
      this.login = login;
    }
  }

  // Attributes data may fill. href/src are not here: links go through link().
  const SAFE_ATTRIBUTE =
    /^(?:class|id|title|role|scope|colspan|datetime|for|name|type|value|min|max|step|required|selected|tabindex|hidden|method|action|data-[a-z-]+|aria-[a-z]+)$/;

  function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (!SAFE_ATTRIBUTE.test(name)) throw new Error(`h(): attribute ${name} is not allowed`);
      element.setAttribute(name, value === true ? "" : String(value));
    }
    append(element, children);
    return element;
  }

  function append(parent, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return parent;
  }

  // An http(s) URL (relative ones resolved against the page), else null.
  function safeUrl(url) {
    if (typeof url !== "string" || url === "") return null;
    try {
      const parsed = new URL(url, location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch {
      return null;
    }
  }

  // A link when the URL is http(s); otherwise the text alone, so nothing else is clickable.
  function link(url, text, attributes = {}) {
    const href = safeUrl(url);
    if (!href) return h("span", { class: attributes.class }, text);
    const anchor = h("a", attributes, text);
    anchor.setAttribute("href", href);
    return anchor;
  }

  // Where a page lives: the server's routes live, flat .html files in an export.
  function pageHref(page, id) {
    if (page === "check") {
      const key = encodeURIComponent(id);
      return isStatic ? `check.html?id=${key}` : `/checks/${key}`;
    }
    if (isStatic) return page === "overview" ? "index.html" : `${page}.html`;
    return page === "overview" ? "/" : `/${page}`;
  }

  function pageLink(page, id, text, attributes = {}) {
    const anchor = h("a", attributes, text);
    anchor.setAttribute("href", pageHref(page, id));
    return anchor;
  }

  // Nav links are written for the server; an export rewrites them, and drops what
  // only the server can do (log out, choose another period).
  function setUpChrome() {
    const current = document.body.dataset.page;
    for (const anchor of document.querySelectorAll("a[data-page]")) {
      if (isStatic) anchor.setAttribute("href", pageHref(anchor.dataset.page));
      if (anchor.dataset.page === current) anchor.setAttribute("aria-current", "page");
    }
    if (isStatic) {
      for (const element of document.querySelectorAll(".live-only")) element.hidden = true;
    }
  }

  // --- data ----------------------------------------------------------------

  const staticData = new Map();
  const staticWaiters = new Map();
  // Called by each data/<name>.js of an export.
  globalThis.dashboardStatic = (name, data) => {
    staticData.set(name, data);
    staticWaiters.get(name)?.(data);
  };

  function loadStaticScript(name, path) {
    if (staticData.has(name)) return Promise.resolve(staticData.get(name));
    return new Promise((resolve, reject) => {
      staticWaiters.set(name, resolve);
      const script = document.createElement("script");
      script.src = `data/${path}.js`;
      script.onerror = () => reject(new LoadError(`data/${path}.js is missing from this export`));
      script.onload = () => {
        if (!staticData.has(name)) reject(new LoadError(`data/${path}.js holds no data`));
      };
      document.head.append(script);
    });
  }

  async function fetchJson(url, what) {
    let response;
    try {
      response = await fetch(url, {
        headers: { accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      throw new LoadError(`the server did not answer for ${what} (${error.message})`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // An answer that is not JSON is reported below by its status.
    }
    if (response.status === 401) {
      throw new LoadError("you are not logged in, or the session has expired.", { login: true });
    }
    if (!response.ok || body === null || typeof body !== "object" || body.error) {
      const parameter = body?.parameter ? ` (parameter "${body.parameter}")` : "";
      const reason = body?.error ? `${body.error}${parameter}` : `HTTP ${response.status}`;
      throw new LoadError(`${what}: ${reason}`);
    }
    return body;
  }

  // `name`: the export's data file (overview, checks/<encoded id>); `api`: the live route.
  async function load(name, api, params = {}) {
    let data;
    if (!isStatic) {
      const query = new URLSearchParams(
        Object.entries(params).filter(([, value]) => value !== null && value !== undefined),
      ).toString();
      data = await fetchJson(`/api/${api}${query ? `?${query}` : ""}`, `/api/${api}`);
    } else {
      // The name may hold %-escapes (a check id); the file's name holds them literally.
      const path = name.split("/").map(encodeURIComponent).join("/");
      data =
        location.protocol === "file:"
          ? await loadStaticScript(name, path)
          : await fetchJson(`data/${path}.json`, `data/${path}.json`);
    }
    if (data?.database && data.database.ok === false) {
      const reason = data.database.error ? `: ${data.database.error}` : "";
      showBanner(
        `History database unavailable${reason}. Statuses below are unknown, not up.`,
        "error",
      );
    }
    return data;
  }

  // --- banners and page life -------------------------------------------------

  function showBanner(message, kind = "error", extra = null) {
    const main = document.querySelector("main");
    let area = main.querySelector(".banners");
    if (!area) {
      area = h("div", { class: "banners" });
      // After the page's heading, so the heading stays first and the banner is next.
      const heading = main.querySelector("h1");
      if (heading) heading.after(area);
      else main.prepend(area);
    }
    const banner = h(
      "div",
      { class: `banner banner-${kind}`, role: kind === "error" ? "alert" : "status" },
      h("p", {}, message),
      extra,
    );
    area.append(banner);
    return banner;
  }

  function showError(error) {
    const message = error instanceof Error ? error.message : String(error);
    const login =
      error instanceof LoadError && error.login && !isStatic
        ? h("p", {}, pageLink("login", null, "Log in again"))
        : null;
    showBanner(`Could not load this page's data: ${message}`, "error", login);
  }

  // Runs a page's render with a busy state and a visible banner for any failure.
  function page(render) {
    setUpChrome();
    const main = document.querySelector("main");
    main.setAttribute("aria-busy", "true");
    Promise.resolve()
      .then(() => render(main))
      .catch((error) => {
        console.error(error);
        showError(error);
      })
      .finally(() => {
        for (const note of main.querySelectorAll(".loading")) note.remove();
        main.setAttribute("aria-busy", "false");
      });
  }

  // --- shared pieces ---------------------------------------------------------

  function statusClass(status) {
    return /^[a-z-]{1,20}$/.test(status) ? status : "unknown";
  }

  function statusBadge(status) {
    const kind = statusClass(status);
    return h(
      "span",
      { class: `status status-${kind}`, "data-status": kind },
      h("span", { class: "status-symbol", "aria-hidden": "true" }, F.statusSymbol(kind)),
      ` ${F.statusLabel(kind)}`,
    );
  }

  function time(iso) {
    return h("time", { datetime: iso ?? null }, F.dateTime(iso));
  }

  // Ninety cells, each named for assistive tech and hover, plus the counts as text.
  function dayBar(days, name) {
    const list = h("ol", {
      class: "daybar",
      "aria-label": `${name}: daily status, ${days[0]?.day ?? "?"} to ${days.at(-1)?.day ?? "?"}`,
    });
    const counts = {};
    for (const day of days) {
      const kind = statusClass(day.status);
      counts[kind] = (counts[kind] ?? 0) + 1;
      const label = F.dayLabel(day);
      list.append(
        h("li", {
          class: `day day-${kind}`,
          "data-day": day.day,
          "data-status": kind,
          title: label,
          "aria-label": label,
        }),
      );
    }
    const order = ["up", "degraded", "down", "maintenance", "none"];
    const summary = order
      .filter((kind) => counts[kind])
      .map((kind) => `${counts[kind]} ${F.statusLabel(kind).toLowerCase()}`)
      .join(", ");
    return h(
      "div",
      { class: "daybar-wrap" },
      list,
      h("p", { class: "daybar-summary" }, `${days.length} days: ${summary || "no data"}`),
    );
  }

  // rows: arrays of cells; the first cell of each row is its row header.
  // Wrapped in a region that scrolls sideways on a narrow screen; focusable, so
  // a keyboard can scroll it too (axe: scrollable-region-focusable).
  function table({ caption, label, head, rows, className, rowAttributes }) {
    return h(
      "div",
      {
        class: "table-wrap",
        role: "region",
        tabindex: 0,
        "aria-label": `Table: ${label ?? caption ?? "figures"}`,
      },
      tableOf({ caption, head, rows, className, rowAttributes }),
    );
  }

  function tableOf({ caption, head, rows, className, rowAttributes }) {
    return h(
      "table",
      { class: className },
      caption ? h("caption", {}, caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          head.map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((cells, index) =>
          h(
            "tr",
            rowAttributes?.(index) ?? {},
            cells.map((cell, column) =>
              column === 0 ? h("th", { scope: "row" }, cell) : h("td", {}, cell),
            ),
          ),
        ),
      ),
    );
  }

  function queryParam(name) {
    return new URLSearchParams(location.search).get(name);
  }

  // The `days` of the URL when it is a whole number 1…90 the server can take, else the default.
  function daysParam(fallback) {
    const raw = queryParam("days");
    return raw !== null && /^\d{1,2}$/.test(raw) && +raw >= 1 && +raw <= 90 ? +raw : fallback;
  }

  // A plain GET form: it works by reloading the page with ?days=N.
  function daysSelector(current, extraFields = {}) {
    const select = h("select", { id: "days", name: "days" });
    // A period asked for in the URL (?days=14) is offered too, so the form says what is shown.
    const choices = [...new Set([1, 7, 30, 90, current])].sort((a, b) => a - b);
    for (const days of choices) {
      select.append(
        h(
          "option",
          { value: days, selected: days === current },
          days === 1 ? "1 day" : `${days} days`,
        ),
      );
    }
    return h(
      "form",
      { class: "days-form live-only", method: "get", hidden: isStatic },
      Object.entries(extraFields).map(([name, value]) =>
        h("input", { type: "hidden", name, value }),
      ),
      h("label", { for: "days" }, "Period "),
      select,
      " ",
      h("button", { type: "submit" }, "Show"),
    );
  }

  function snapshotNote(generatedAt) {
    return isStatic
      ? h(
          "p",
          { class: "snapshot" },
          "Static snapshot",
          generatedAt ? [" of ", time(generatedAt)] : null,
        )
      : null;
  }

  window.addEventListener("unhandledrejection", (event) => showError(event.reason));

  globalThis.Dashboard = Object.freeze({
    isStatic,
    h,
    append,
    safeUrl,
    link,
    pageHref,
    pageLink,
    load,
    page,
    showBanner,
    showError,
    statusBadge,
    time,
    dayBar,
    table,
    queryParam,
    daysParam,
    daysSelector,
    snapshotNote,
  });
})();
