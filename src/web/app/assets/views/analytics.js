// Views, API requests, asks and MCP exposures per day, as charts with a
// table view of the same numbers. Longer history than the plan allows is
// the API's 403, shown as what the plan lacks.

import { h, heading, clear, table, problemText } from "../dom.js";
import { api } from "../api.js";
import { barChart } from "../chart.js";

const METRICS = [["views", "Views"], ["api_requests", "API requests"], ["asks", "Asks"], ["mcp_exposures", "MCP exposures"]];

export async function view() {
  const out = h("div", { "aria-live": "polite" });
  const select = h("select", { id: "days" }, [7, 30, 90, 365].map((d) => h("option", { value: d }, `${d} days`)));
  const asTable = h("input", { type: "checkbox", id: "as-table" });
  let data = null;
  const draw = () => {
    clear(out);
    if (!data) return;
    const days = data.items.map((i) => i.day);
    if (asTable.checked) {
      out.append(table(`Per day, the last ${data.days} days`, [
        { label: "Day", value: (r) => r.day }, ...METRICS.map(([k, l]) => ({ label: l, value: (r) => String(r[k]) })),
      ], data.items.slice().reverse(), { class: "analytics" }));
    } else {
      out.append(h("div", { class: "charts" }, METRICS.map(([k, l]) => barChart(l, days, data.items.map((i) => i[k])))));
    }
  };
  const load = async () => {
    clear(out).append(h("p", { class: "loading", role: "status" }, "Loading…"));
    try {
      data = await api("GET", `/v1/me/analytics?days=${select.value}`);
      draw();
    } catch (err) {
      data = null;
      clear(out).append(h("p", { class: err.problem.code === "plan_required" ? "gate" : "status error", role: "alert" },
        problemText(err), err.problem.code === "plan_required"
          ? [" The free plan shows the last 7 days. ", h("a", { href: "/app/plan" }, "How to get Pro")] : null));
    }
  };
  select.addEventListener("change", load);
  asTable.addEventListener("change", draw);
  await load();
  return h("section", {},
    heading("Analytics"),
    h("div", { class: "controls" },
      h("label", { for: "days" }, "Period "), select, " ",
      asTable, h("label", { for: "as-table" }, " Show as a table")),
    out);
}
