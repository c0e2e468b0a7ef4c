// Component health cards and the routes table (one row per route, updated in place so a
// half-edited mode control survives the live refresh).
import { count, h, ms, parityClass, percent, replace } from "./dom.js";

const MODES = ["legacy", "shadow", "canary", "cutover"];
const DETAIL_KEYS = [
  "state",
  "status",
  "routes",
  "uptime_s",
  "lag_events",
  "events_per_s",
  "caught_up",
  "error",
  "last_error",
  "routes_error",
];

export function renderComponents(container, components) {
  const cards = Object.entries(components).map(([name, health]) => {
    const details = health.details || {};
    const facts = DETAIL_KEYS.filter((key) => details[key] !== undefined && details[key] !== null).map((key) =>
      h("li", {}, h("span", { class: "muted" }, `${key} `), String(details[key])),
    );
    return h(
      "article",
      {
        class: `component ${health.healthy ? "up" : "down"}`,
        dataset: { component: name },
        title: JSON.stringify(details, null, 1),
      },
      h(
        "header",
        {},
        h("span", { class: "dot" }),
        h("strong", {}, name),
        h("span", { class: "state" }, health.healthy ? "healthy" : "down"),
      ),
      h(
        "p",
        { class: "latency" },
        health.latency_ms !== null
          ? `answered in ${ms(health.latency_ms)}`
          : health.healthy
            ? "this process"
            : "no answer",
      ),
      details.lag_ms !== undefined ? h("p", { class: "lag" }, `lag ${ms(details.lag_ms)}`) : null,
      h("ul", { class: "facts" }, facts),
    );
  });
  replace(container, cards.length ? cards : h("p", { class: "muted" }, "No components configured."));
}

export class RoutesTable {
  // handlers: {onApply(name, mode, percent, button), onInspect(name)}
  constructor(tbody, handlers) {
    this.tbody = tbody;
    this.handlers = handlers;
    this.rows = new Map();
  }

  update(routes, stats) {
    const names = new Set(routes.map((route) => route.name));
    for (const [name, row] of this.rows) {
      if (!names.has(name)) {
        row.tr.remove();
        this.rows.delete(name);
      }
    }
    for (const route of routes) {
      const row = this.rows.get(route.name) || this.createRow(route.name);
      this.fill(row, route, stats[route.name] || {});
      this.tbody.append(row.tr);
    }
    if (!routes.length) replace(this.tbody, h("tr", {}, h("td", { colspan: 14, class: "muted" }, "No routes yet.")));
  }

  createRow(name) {
    const cells = {};
    const td = (key, cls) => (cells[key] = h("td", { class: cls || "num", dataset: { col: key } }));
    const select = h(
      "select",
      { class: "mode", "aria-label": `mode of ${name}` },
      MODES.map((m) => h("option", { value: m }, m)),
    );
    const percentInput = h("input", {
      class: "percent",
      type: "number",
      min: 0,
      max: 100,
      step: 1,
      "aria-label": `canary percent of ${name}`,
    });
    const apply = h("button", { type: "button", class: "apply" }, "Apply");
    const row = { cells, select, percentInput, apply, dirty: false };
    const markDirty = () => {
      row.dirty = true;
      percentInput.disabled = select.value !== "canary";
    };
    select.addEventListener("change", markDirty);
    percentInput.addEventListener("input", markDirty);
    apply.addEventListener("click", () => this.handlers.onApply(name, select.value, percentInput.value, row));
    row.tr = h(
      "tr",
      { dataset: { route: name } },
      h(
        "td",
        { class: "name" },
        h(
          "button",
          {
            type: "button",
            class: "link inspect",
            title: "charts, comparisons, ignored fields",
            onclick: () => this.handlers.onInspect(name),
          },
          name,
        ),
      ),
      td("mode", "mode-cell"),
      [
        "requests",
        "by_service",
        "compared",
        "match",
        "noise",
        "equivalent",
        "mismatch",
        "legacy",
        "candidate",
        "personal",
        "kept",
        "fallbacks",
        "errors",
        "dropped",
      ].map((k) => td(k)),
      h("td", { class: "controls" }, select, h("span", { class: "percent-wrap" }, percentInput, "%"), apply),
    );
    this.rows.set(name, row);
    return row;
  }

  fill(row, route, stat) {
    const c = row.cells;
    const comparisons = stat.comparisons || {};
    const compared = stat.compared ?? 0;
    const mode = route.mode === "canary" ? `canary ${route.canary_percent ?? 0}%` : route.mode;
    replace(c.mode, h("span", { class: `badge ${route.mode}` }, mode));
    c.requests.textContent = count(stat.requests);
    c.by_service.textContent = count(stat.served_by_service);
    c.compared.textContent = count(compared);
    c.match.textContent = percent(stat.match_percent);
    c.match.className = `num ${parityClass(stat.match_percent)}`;
    c.noise.textContent = percent(stat.noise_percent);
    c.equivalent.textContent = percent(stat.equivalent_percent);
    c.mismatch.textContent = count(comparisons.mismatch ?? 0);
    c.legacy.textContent = `${ms(stat.legacy_ms?.p50)} / ${ms(stat.legacy_ms?.p99)}`;
    c.candidate.textContent = `${ms(stat.candidate_ms?.p50)} / ${ms(stat.candidate_ms?.p99)}`;
    c.personal.textContent = count(stat.personal ?? 0);
    c.kept.textContent = count((stat.kept_personal ?? 0) + (stat.kept_url_form ?? 0));
    c.kept.title = `personal: ${stat.kept_personal ?? 0}, URL form: ${stat.kept_url_form ?? 0}`;
    c.fallbacks.textContent = count(stat.fallbacks ?? 0);
    c.errors.textContent = count(stat.errors ?? 0);
    c.dropped.textContent = count(stat.shadow_dropped ?? 0);
    row.stat = stat;
    if (!row.dirty) {
      row.select.value = route.mode;
      row.percentInput.value = route.canary_percent ?? 0;
      row.percentInput.disabled = route.mode !== "canary";
    }
  }
}
