// One comparison: what differs (with an Ignore action per JSON path), the commands that replay
// the request, and both bodies side by side.
import { api } from "./api.js";
import { sideBySide } from "./diff.js";
import { clock, generalise, h, ms, replace } from "./dom.js";

const show = (value) =>
  value === null || value === undefined ? "–" : typeof value === "string" ? value : JSON.stringify(value);

function differenceRow(route, difference, onIgnore) {
  const ignorable = difference.path.startsWith("$");
  const pattern = h("input", {
    class: "pattern",
    value: generalise(difference.path),
    "aria-label": `ignore pattern for ${difference.path}`,
  });
  return h(
    "tr",
    { class: "difference", dataset: { path: difference.path } },
    h("td", {}, h("code", {}, difference.path)),
    h("td", {}, difference.kind),
    h("td", { class: "value" }, show(difference.legacy)),
    h("td", { class: "value" }, show(difference.candidate)),
    h(
      "td",
      { class: "controls" },
      ignorable
        ? [
            pattern,
            h(
              "button",
              { type: "button", class: "ignore", onclick: () => onIgnore(route, pattern.value, true) },
              "Ignore",
            ),
          ]
        : h("span", { class: "muted" }, "not a JSON field"),
    ),
  );
}

function command(label, text) {
  if (!text) return null;
  const pre = h("pre", { class: "command" }, text);
  const copy = h(
    "button",
    {
      type: "button",
      class: "link",
      onclick: () => navigator.clipboard?.writeText(text).then(() => (copy.textContent = "copied")),
    },
    "copy",
  );
  return h("div", {}, h("h4", {}, label, " ", copy), pre);
}

export async function openDrilldown(container, id, { onIgnore, onClose }) {
  const [row, replay] = await Promise.all([api(`/api/comparisons/${id}`), api(`/api/comparisons/${id}/reproduce`)]);
  const diff = row.diff || { differences: [], noise: [], ignored: 0 };
  const table = (items, empty) =>
    items.length
      ? h(
          "table",
          { class: "differences" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["path", "kind", "WordPress", "service", ""].map((t) => h("th", {}, t)),
            ),
          ),
          h(
            "tbody",
            {},
            items.map((d) => differenceRow(row.route, d, onIgnore)),
          ),
        )
      : h("p", { class: "muted" }, empty);
  replace(
    container,
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, `Comparison #${row.id} · ${row.route}`),
      h("button", { type: "button", class: "close", onclick: onClose }, "Close"),
    ),
    h(
      "p",
      { class: "summary" },
      h("span", { class: `outcome ${row.outcome}` }, row.outcome),
      ` ${row.method} `,
      h("code", {}, row.target),
      ` at ${clock(row.ts)} · status ${row.legacy_status ?? "–"} / ${row.candidate_status ?? "–"}`,
      ` · ${ms(row.legacy_ms)} / ${ms(row.candidate_ms)} · ${diff.ignored} ignored`,
    ),
    row.error ? h("p", { class: "error" }, row.error) : null,
    h("h3", {}, "Differences"),
    table(diff.differences, "No real differences."),
    diff.noise.length
      ? [h("h3", {}, "Noise (differs between two WordPress answers too)"), table(diff.noise, "")]
      : null,
    (diff.reordered || []).length
      ? [
          h("h3", {}, "Tie order (items with equal sort keys, arranged otherwise: WordPress's order is undefined)"),
          table(diff.reordered, ""),
        ]
      : null,
    h("h3", {}, "Reproduce"),
    command("WordPress", replay.wordpress),
    command("Service", replay.service),
    command("Both, diffed", replay.diff),
    h("h3", {}, "Bodies"),
    sideBySide(row.legacy_body, row.candidate_body),
  );
  container.hidden = false;
  container.scrollIntoView({ behavior: "instant", block: "start" });
}
