// Admin: the KPIs over a window, and the search index with its rebuild.

import { h, heading, clear, table, actionButton, fmtDate, problemText } from "../dom.js";
import { api } from "../api.js";

export async function kpis() {
  const out = h("div", { "aria-live": "polite" });
  const select = h("select", { id: "window" }, [7, 30, 90, 365].map((d) => h("option", { value: d, selected: d === 30 }, `${d} days`)));
  const tile = (label, n) => h("div", { class: "kpi" }, h("span", { class: "kpi-n" }, String(n)), h("span", {}, label));
  const load = async () => {
    try {
      const k = await api("GET", `/v1/admin/kpis?window_days=${select.value}`);
      clear(out).append(
        h("h2", {}, "Users"),
        h("div", { class: "kpis" }, tile("users", k.users.total), tile(`new in ${k.window_days} days`, k.users.new),
          tile("active", k.users.active), ...Object.entries(k.users.by_plan).map(([p, n]) => tile(`on ${p}`, n))),
        h("h2", {}, "Plans"),
        h("div", { class: "kpis" }, tile("active grants", k.billing.active_grants), tile("new grants", k.billing.new_grants),
          tile("expiring soon", k.billing.expiring_soon)),
        h("h2", {}, "Traffic"),
        h("div", { class: "kpis" }, tile("views", k.traffic.views), tile("API requests", k.traffic.api_requests), tile("asks", k.traffic.asks)));
    } catch (err) {
      clear(out).append(h("p", { class: "status error", role: "alert" }, problemText(err)));
    }
  };
  select.addEventListener("change", load);
  await load();
  return h("section", {}, heading("Admin overview"),
    h("p", { class: "controls" }, h("label", { for: "window" }, "Window "), select), out);
}

export async function searchIndex() {
  const out = h("div", { "aria-live": "polite" });
  const load = async () => {
    const s = await api("GET", "/v1/admin/search-index");
    clear(out).append(table("Full-text index", [
      { label: "Documents", value: (r) => String(r.documents) },
      { label: "Public profiles", value: (r) => String(r.public_profiles) },
      { label: "In sync", value: (r) => (r.in_sync ? "yes" : "no") },
      { label: "Last rebuilt", value: (r) => fmtDate(r.last_rebuilt_at) },
    ], [s]));
  };
  await load();
  return h("section", {}, heading("Search index"),
    h("p", {}, "The index behind GET /v1/profiles. A rebuild reads every public profile again."),
    out,
    h("p", {}, actionButton("Rebuild the index", "Rebuilding…", async () => {
      await api("POST", "/v1/admin/search-index/rebuild");
      await load();
      return "Rebuilt.";
    })));
}
