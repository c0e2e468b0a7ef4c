// One route in detail: parity and latency charts, recent comparisons (click one to drill down),
// the route's ignored fields (add/remove) and the noise fields the shadow learned.
import { api, query } from "./api.js";
import { legend, lineChart } from "./charts.js";
import { clock, h, ms, replace } from "./dom.js";

const WINDOWS = [
  [900, "15 min"],
  [3600, "1 hour"],
  [21600, "6 hours"],
  [86400, "24 hours"],
];
const OUTCOMES = ["mismatch", "error", "equivalent", "noise", "match", "skipped", "declined", ""];
const PARITY = [
  { label: "match %", color: "#2f8f4e", key: (b) => b.match_percent },
  { label: "noise %", color: "#b7791f", key: (b) => b.noise_percent },
];
const LATENCY = [
  { label: "WordPress p50", color: "#3b6fb6", key: (b) => b.legacy_ms.p50 },
  { label: "WordPress p99", color: "#3b6fb6", dashed: true, key: (b) => b.legacy_ms.p99 },
  { label: "service p50", color: "#d2691e", key: (b) => b.candidate_ms.p50 },
  { label: "service p99", color: "#d2691e", dashed: true, key: (b) => b.candidate_ms.p99 },
];

export class RoutePanel {
  // handlers: {onOpen(comparisonId), onIgnore(route, path, add), onError(error), onClose()}
  constructor(container, name, handlers) {
    this.container = container;
    this.name = name;
    this.handlers = handlers;
    const reload = () => this.refresh().catch(handlers.onError);
    this.window = h(
      "select",
      { class: "window", onchange: reload },
      WINDOWS.map(([s, label]) => h("option", { value: s, selected: s === 3600 }, label)),
    );
    this.outcome = h(
      "select",
      { class: "outcome", onchange: reload },
      OUTCOMES.map((o) => h("option", { value: o }, o || "all")),
    );
    this.charts = h("div", { class: "charts" });
    this.list = h("div", { class: "comparisons" });
    this.info = h("p", { class: "muted" });
    this.ignored = h("ul", { class: "ignored" });
    this.noise = h("ul", { class: "noise" });
    const newPath = h("input", { class: "new-ignore", placeholder: "$[*].guid", "aria-label": "JSON path to ignore" });
    const add = h(
      "form",
      {
        class: "inline",
        onsubmit: (event) => {
          event.preventDefault();
          if (newPath.value.trim())
            this.handlers.onIgnore(this.name, newPath.value.trim(), true).then(() => (newPath.value = ""));
        },
      },
      newPath,
      h("button", { type: "submit" }, "Ignore path"),
    );
    replace(
      container,
      h(
        "div",
        { class: "panel-head" },
        h("h2", {}, `Route ${name}`),
        h("button", { type: "button", class: "close", onclick: () => handlers.onClose() }, "Close"),
      ),
      this.info,
      h("div", { class: "toolbar" }, h("label", {}, "Window ", this.window)),
      this.charts,
      h(
        "div",
        { class: "columns" },
        h("div", { class: "wide" }, h("h3", {}, "Recent comparisons ", this.outcome), this.list),
        h(
          "div",
          {},
          h("h3", {}, "Ignored fields (compare.ignore)"),
          this.ignored,
          add,
          h("h3", {}, "Learned noise fields"),
          this.noise,
        ),
      ),
    );
    container.hidden = false;
  }

  update(route, services, noise) {
    if (!route) return;
    this.info.textContent = `${route.paths.join("  ")}  →  ${route.service} (${services[route.service] || "?"}), mode ${route.mode}`;
    const ignore = route.compare?.ignore || [];
    replace(
      this.ignored,
      ignore.length
        ? ignore.map((path) =>
            h(
              "li",
              { dataset: { path } },
              h("code", {}, path),
              " ",
              h(
                "button",
                { type: "button", class: "link remove", onclick: () => this.handlers.onIgnore(this.name, path, false) },
                "remove",
              ),
            ),
          )
        : h("li", { class: "muted" }, "none"),
    );
    const learned = noise[this.name] || [];
    replace(
      this.noise,
      learned.length
        ? learned.map((path) => h("li", {}, h("code", {}, path)))
        : h("li", { class: "muted" }, "none yet"),
    );
  }

  async refresh() {
    const window = Number(this.window.value);
    const [history, listing] = await Promise.all([
      api(`/api/stats/history?${query({ route: this.name, window_s: window, bucket_s: Math.max(5, window / 60) })}`),
      api(`/api/comparisons?${query({ route: this.name, outcome: this.outcome.value, limit: 25 })}`),
    ]);
    const xRange = [history.since, history.until];
    const series = (defs) =>
      defs.map((d) => ({ ...d, points: history.buckets.map((b) => [b.t + history.bucket_s / 2, d.key(b)]) }));
    replace(
      this.charts,
      h(
        "figure",
        {},
        h("figcaption", {}, "Match and noise % over time"),
        lineChart({ title: "match %", series: series(PARITY), unit: "%", yMax: 100, xRange }),
        legend(PARITY),
      ),
      h(
        "figure",
        {},
        h("figcaption", {}, "Latency p50 / p99, WordPress vs service"),
        lineChart({ title: "latency", series: series(LATENCY), unit: " ms", xRange }),
        legend(LATENCY),
      ),
    );
    this.renderList(listing.comparisons);
  }

  renderList(rows) {
    if (!rows.length) {
      replace(this.list, h("p", { class: "muted" }, "No comparisons with this outcome."));
      return;
    }
    const body = rows.map((row) =>
      h(
        "tr",
        {
          class: "comparison",
          dataset: { id: row.id },
          tabindex: 0,
          title: "open the diff",
          onclick: () => this.handlers.onOpen(row.id),
          onkeydown: (event) => event.key === "Enter" && this.handlers.onOpen(row.id),
        },
        h("td", {}, clock(row.ts)),
        h("td", {}, row.method),
        h("td", { class: "target" }, row.target),
        h("td", { class: `outcome ${row.outcome}` }, row.outcome),
        h("td", { class: "num" }, `${row.legacy_status ?? "–"} / ${row.candidate_status ?? "–"}`),
        h("td", { class: "num" }, `${ms(row.legacy_ms)} / ${ms(row.candidate_ms)}`),
        h("td", { class: "num" }, row.diff ? row.diff.differences.length : row.error ? "error" : "–"),
      ),
    );
    replace(
      this.list,
      h(
        "table",
        { class: "list" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["time", "method", "target", "outcome", "status WP / svc", "WP / svc", "diffs"].map((t) => h("th", {}, t)),
          ),
        ),
        h("tbody", {}, body),
      ),
    );
  }
}
