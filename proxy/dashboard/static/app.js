// Entry point: sign-in, the live refresh loop (every few seconds) and the actions (mode changes,
// ignored fields), all through the admin API.
import { Unauthorized, api, token } from "./api.js";
import { openDrilldown } from "./drilldown.js";
import { ExtensionsSection } from "./extensions.js";
import { ms } from "./dom.js";
import { RoutesTable, renderComponents } from "./overview.js";
import { RoutePanel } from "./routepanel.js";

const REFRESH_MS = 3000;
const SAFE_PARITY = 99.9; // as `strangler cutover`: below this, moving traffic asks for a second click
const $ = (id) => document.getElementById(id);

const state = { routes: [], services: {}, stats: {}, noise: {}, panel: null, busy: false, timer: null };

function flash(text, isError = false) {
  const el = $(isError ? "failure" : "flash");
  el.textContent = text;
  el.hidden = false;
  if (!isError) setTimeout(() => (el.hidden = true), 6000);
}

function showLogin(message = "") {
  clearInterval(state.timer);
  token.clear();
  $("dashboard-view").hidden = true;
  $("session").hidden = true;
  $("login-view").hidden = false;
  $("login-error").textContent = message;
  $("login-token").select();
}

function reportError(error) {
  if (error instanceof Unauthorized) showLogin("The admin token was refused.");
  else flash(String(error.message || error), true);
}

async function failSafe(action) {
  try {
    await action();
    $("failure").hidden = true;
  } catch (error) {
    reportError(error);
  }
}

async function refresh() {
  if (state.busy) return;
  state.busy = true;
  try {
    await failSafe(async () => {
      const [components, table, stats, noise] = await Promise.all([
        api("/api/components"),
        api("/api/routes"),
        api("/api/stats"),
        api("/api/noise"),
      ]);
      Object.assign(state, { routes: table.routes, services: table.services, stats: stats.routes, noise: noise.noise });
      renderComponents($("components"), components);
      extensions.refresh("extensions" in components); // not awaited: it has its own pace and errors
      const lag = Object.entries(components).find(
        ([name, c]) => name.startsWith("cdc") && c.details?.lag_ms !== undefined,
      );
      $("cdc-lag").hidden = !lag;
      if (lag) $("cdc-lag").textContent = `CDC lag ${ms(lag[1].details.lag_ms)}`;
      routesTable.update(state.routes, state.stats);
      if (state.panel) {
        state.panel.update(
          state.routes.find((r) => r.name === state.panel.name),
          state.services,
          state.noise,
        );
        await state.panel.refresh();
      }
      $("updated").textContent = `updated ${new Date().toLocaleTimeString("en-GB", { hour12: false })}`;
    });
  } finally {
    state.busy = false;
  }
}

async function applyMode(name, mode, percentText, row) {
  const percent = mode === "canary" ? Number(percentText || 0) : null;
  const parity = row.stat?.match_percent;
  const risky = (mode === "cutover" || mode === "canary") && !(parity >= SAFE_PARITY);
  if (risky && !row.armed) {
    row.armed = true;
    row.apply.textContent = `Confirm (match ${parity ?? "–"}%)`;
    row.apply.classList.add("danger");
    setTimeout(() => {
      row.armed = false;
      row.apply.textContent = "Apply";
      row.apply.classList.remove("danger");
    }, 8000);
    return;
  }
  row.armed = false;
  row.apply.textContent = "Apply";
  row.apply.classList.remove("danger");
  await failSafe(async () => {
    await api(`/api/routes/${encodeURIComponent(name)}/mode`, { method: "PUT", body: { mode, percent } });
    row.dirty = false;
    flash(`${name}: mode ${mode}${percent !== null ? ` ${percent}%` : ""}`);
    await refresh();
  });
}

async function changeIgnore(route, path, add) {
  await failSafe(async () => {
    await api(`/api/routes/${encodeURIComponent(route)}/ignore`, { method: add ? "POST" : "DELETE", body: { path } });
    flash(`${route}: ${add ? "ignoring" : "comparing again"} ${path}`);
    await refresh();
  });
}

function inspect(name) {
  state.panel = new RoutePanel($("route-panel"), name, {
    onOpen: (id) =>
      failSafe(() =>
        openDrilldown($("drilldown"), id, { onIgnore: changeIgnore, onClose: () => ($("drilldown").hidden = true) }),
      ),
    onIgnore: changeIgnore,
    onError: reportError,
    onClose: () => {
      state.panel = null;
      $("route-panel").hidden = true;
    },
  });
  refresh();
}

const extensions = new ExtensionsSection($("extensions"), { flash, onError: reportError });

const routesTable = new RoutesTable(document.querySelector("#routes tbody"), {
  onApply: applyMode,
  onInspect: inspect,
});

function startDashboard() {
  $("login-view").hidden = true;
  $("dashboard-view").hidden = false;
  $("session").hidden = false;
  refresh();
  clearInterval(state.timer);
  state.timer = setInterval(() => $("live").checked && refresh(), REFRESH_MS);
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  token.set($("login-token").value.trim());
  try {
    await api("/api/routes");
    $("login-token").value = "";
    startDashboard();
  } catch (error) {
    showLogin(error instanceof Unauthorized ? "Wrong token." : `Cannot reach the admin API: ${error.message}`);
  }
});
$("logout").addEventListener("click", () => showLogin());

if (token.get()) startDashboard();
else showLogin();
