// The extensions service's section: its extensions (enable/disable), webhook endpoints
// (enable/disable/test) and latest deliveries (replay, attempts), through the admin API's
// pass-through (/api/extensions, /api/webhooks). Shown only when the stack has an `extensions`
// component; refreshed on its own so a slow service never holds the rest of the page.
import { Unauthorized, api, query } from "./api.js";
import { count, h, replace } from "./dom.js";

const DELIVERIES_SHOWN = 20;
const enc = encodeURIComponent;

function when(value) {
  if (!value) return "–";
  return new Date(value).toLocaleString("en-GB", { hour12: false }); // epoch ms or RFC 3339
}

function attemptStatus(attempt) {
  if (!attempt) return "–";
  const answered = attempt.status_code !== null && attempt.status_code !== undefined;
  return answered ? String(attempt.status_code) : attempt.error || "–";
}

const isNotFound = (error) => String(error.message || "").startsWith("404");

export class ExtensionsSection {
  // handlers: {flash(text), onError(error)}
  constructor(section, handlers) {
    this.section = section;
    this.handlers = handlers;
    this.busy = false;
    this.expanded = new Set(); // webhook-ids whose attempts are shown
    this.$ = (id) => section.querySelector(`#${id}`);
  }

  async refresh(present) {
    this.section.hidden = !present;
    if (!present || this.busy) return;
    this.busy = true;
    try {
      await this.load();
    } catch (error) {
      if (error instanceof Unauthorized) this.handlers.onError(error);
      else this.note("extensions-note", `The extensions service did not answer: ${error.message || error}`, true);
    } finally {
      this.busy = false;
    }
  }

  async load() {
    const extensions = await api("/api/extensions");
    this.note("extensions-note", "");
    this.renderExtensions(extensions);
    let endpoints, deliveries;
    try {
      [endpoints, deliveries] = await Promise.all([
        api("/api/webhooks/endpoints"),
        api(`/api/webhooks/deliveries?${query({ limit: DELIVERIES_SHOWN })}`),
      ]);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.$("webhooks").hidden = true;
      this.note("webhooks-note", "Webhooks are not enabled in the extensions service.");
      return;
    }
    const details = await Promise.all(
      deliveries
        .filter((d) => this.expanded.has(d.webhook_id))
        .map((d) => api(`/api/webhooks/deliveries/${enc(d.webhook_id)}`).catch(() => null)),
    );
    const attempts = new Map(details.filter(Boolean).map((d) => [d.webhook_id, d.attempt_log]));
    this.note("webhooks-note", "");
    this.$("webhooks").hidden = false;
    this.renderEndpoints(endpoints);
    this.renderDeliveries(deliveries, attempts);
  }

  note(id, text, isError = false) {
    const el = this.$(id);
    el.textContent = text;
    el.className = isError ? "error" : "muted";
    el.hidden = !text;
  }

  async act(path, done) {
    try {
      const answer = await api(path, { method: "POST" });
      this.handlers.flash(done(answer));
      this.busy = false; // an action's answer is worth showing at once
      await this.refresh(true);
    } catch (error) {
      this.handlers.onError(error);
    }
  }

  button(label, cls, path, done) {
    return h("button", { type: "button", class: cls, onclick: () => this.act(path, done) }, label);
  }

  renderExtensions(extensions) {
    const rows = extensions.map((e) => {
      const base = `/api/extensions/${enc(e.name)}`;
      const control =
        e.state === "enabled"
          ? this.button("Disable", "disable", `${base}/disable`, () => `${e.name}: disabled`)
          : e.state === "disabled"
            ? this.button("Enable", "enable", `${base}/enable`, () => `${e.name}: enabled`)
            : null;
      return h(
        "tr",
        { dataset: { extension: e.name } },
        h("td", { class: "name", title: e.description }, e.name),
        h("td", { dataset: { col: "state" } }, h("span", { class: `badge ext-${e.state}` }, e.state)),
        h("td", { class: "code", dataset: { col: "subscriptions" } }, e.subscriptions.join(", ") || "–"),
        h("td", { class: "num", dataset: { col: "lag" } }, count(e.lag)),
        h("td", { class: "num", dataset: { col: "handled" } }, count(e.handled)),
        h(
          "td",
          { class: "num", dataset: { col: "dead_lettered" }, title: e.dead_letter_topic || null },
          count(e.dead_lettered),
        ),
        h(
          "td",
          { class: "num", dataset: { col: "last_handled" } },
          e.last_handled_ms ? when(e.last_handled_ms) : "never",
        ),
        h(
          "td",
          { class: "error-cell", dataset: { col: "error" } },
          e.error || (e.retrying ? `retrying: ${e.retrying}` : ""),
        ),
        h("td", { class: "controls" }, control),
      );
    });
    const empty = h("tr", {}, h("td", { colspan: 9, class: "muted" }, "No extensions found."));
    replace(this.$("extensions-table").tBodies[0], rows.length ? rows : empty);
  }

  renderEndpoints(endpoints) {
    const rows = endpoints.map((e) => {
      const base = `/api/webhooks/endpoints/${enc(e.id)}`;
      const counts = e.deliveries || {};
      const toggle = e.enabled
        ? this.button("Disable", "disable", `${base}/disable`, () => `${e.id}: disabled`)
        : this.button("Enable", "enable", `${base}/enable`, () => `${e.id}: enabled`);
      const test = this.button("Test", "test", `${base}/test`, (d) => {
        const last = d.attempt_log?.[d.attempt_log.length - 1];
        return `${e.id}: test delivery ${d.webhook_id} ${d.state} (${attemptStatus(last)})`;
      });
      return h(
        "tr",
        { dataset: { endpoint: e.id } },
        h("td", { class: "code" }, e.id),
        h("td", { class: "code url", title: e.description || null }, e.url),
        h("td", { class: "code" }, e.event_types.join(", ")),
        h(
          "td",
          { dataset: { col: "state" } },
          h("span", { class: `badge ext-${e.enabled ? "enabled" : "disabled"}` }, e.enabled ? "enabled" : "disabled"),
          e.disabled_reason ? h("span", { class: "muted reason" }, ` ${e.disabled_reason}`) : null,
        ),
        h("td", { class: e.failing_since ? "bad" : "" }, when(e.failing_since)),
        h(
          "td",
          { class: "num", dataset: { col: "counts" }, title: "pending / succeeded / failed" },
          `${count(counts.pending ?? 0)} / ${count(counts.succeeded ?? 0)} / ${count(counts.failed ?? 0)}`,
        ),
        h("td", { class: "num" }, attemptStatus(e.last_attempts?.[0])),
        h("td", { class: "controls" }, toggle, test),
      );
    });
    const empty = h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No webhook endpoints."));
    replace(this.$("webhook-endpoints").tBodies[0], rows.length ? rows : empty);
  }

  renderDeliveries(deliveries, attempts) {
    const rows = deliveries.flatMap((d) => {
      const log = attempts.get(d.webhook_id) || d.attempt_log || [];
      const open = this.expanded.has(d.webhook_id);
      const replay = this.button(
        "Replay",
        "replay",
        `/api/webhooks/deliveries/${enc(d.webhook_id)}/replay`,
        (answer) => `${d.webhook_id}: replay queued (${answer?.state ?? "pending"})`,
      );
      const toggle = h(
        "button",
        {
          type: "button",
          class: "link attempts",
          onclick: () => {
            if (open) this.expanded.delete(d.webhook_id);
            else this.expanded.add(d.webhook_id);
            this.busy = false;
            this.refresh(true);
          },
        },
        open ? "hide attempts" : "attempts",
      );
      const row = h(
        "tr",
        { dataset: { delivery: d.webhook_id } },
        h("td", { class: "code" }, d.webhook_id),
        h("td", { class: "code" }, d.endpoint_id),
        h("td", { class: "code" }, d.event_type),
        h("td", { dataset: { col: "state" } }, h("span", { class: `badge delivery-${d.state}` }, d.state)),
        h("td", { class: "num" }, count(d.attempts)),
        h("td", { class: "num" }, attemptStatus(log[log.length - 1])),
        h("td", { class: "num" }, when(d.last_attempt_at)),
        h("td", { class: "controls" }, replay, toggle),
      );
      if (!open) return [row];
      const lines = log.map((a) =>
        h(
          "li",
          {},
          `#${a.number} ${when(a.started_at)} ${a.trigger}: ${attemptStatus(a)} in ${a.duration_ms} ms`,
          a.response_excerpt ? h("span", { class: "muted" }, ` ${a.response_excerpt}`) : null,
        ),
      );
      const detail = h(
        "tr",
        { class: "attempt-log", dataset: { attemptsOf: d.webhook_id } },
        h("td", { colspan: 8 }, h("ul", {}, lines.length ? lines : h("li", { class: "muted" }, "No attempts yet."))),
      );
      return [row, detail];
    });
    const empty = h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No deliveries yet."));
    replace(this.$("webhook-deliveries").tBodies[0], rows.length ? rows : empty);
  }
}
