// The overview: who is signed in, the plan, this week's numbers and the way
// to the public page.

import { h, heading } from "../dom.js";
import { api } from "../api.js";

export async function view() {
  const [acct, stats, profile] = await Promise.all([
    api("GET", "/v1/me/account"),
    api("GET", "/v1/me/analytics?days=7"),
    api("GET", "/v1/me/profile"),
  ]);
  const t = stats.totals;
  const tile = (label, n) => h("div", { class: "kpi" }, h("span", { class: "kpi-n" }, String(n)), h("span", {}, label));
  return h("section", {},
    heading(`Hello, ${acct.full_name}`),
    h("p", {}, "Your public page: ",
      h("a", { href: `/u/${acct.username}`, target: "_blank", rel: "noopener" }, `${location.origin}/u/${acct.username}`),
      profile.is_public ? "" : " (private: only you can see it; make it public in the profile)"),
    h("p", {}, `Plan: ${acct.plan}`, acct.plan_expires_on ? ` until ${acct.plan_expires_on}` : "", ". ",
      h("a", { href: "/app/plan" }, "Plan and usage")),
    h("h2", {}, "The last 7 days"),
    h("div", { class: "kpis" }, tile("page and API views", t.views), tile("API requests", t.api_requests),
      tile("questions asked", t.asks), tile("MCP exposures", t.mcp_exposures)),
    h("h2", {}, "Next steps"),
    h("ul", {},
      h("li", {}, h("a", { href: "/app/profile" }, "Fill in the profile")),
      h("li", {}, h("a", { href: "/app/import" }, "Import a JSON Resume file")),
      h("li", {}, h("a", { href: "/app/appearance" }, "Choose a theme")),
      h("li", {}, h("a", { href: "/app/keys" }, "Create an API key"))));
}
