// The plan (free or a grant, until when), checkout and portal where the
// operator configured them, else how Pro is had on this instance; the
// quota buckets and today's API-key requests.

import { h, heading, table, actionButton } from "../dom.js";
import { api } from "../api.js";

const BUCKETS = { api_key: "API key, per minute", api_key_daily: "API key, per day", jwt: "Dashboard and JWT calls" };

export async function view() {
  const [billing, usage] = await Promise.all([api("GET", "/v1/me/billing"), api("GET", "/v1/me/usage")]);
  const go = (path) => async () => {
    const { url } = await api("POST", path);
    location.assign(url);
    return "Opening…";
  };
  const buckets = Object.entries(usage.buckets).map(([k, b]) => ({ name: BUCKETS[k] || k, ...b }));
  return h("section", {},
    heading("Plan and usage"),
    h("h2", {}, "Plan"),
    h("p", { class: "plan" }, h("strong", {}, billing.plan),
      billing.source === "grant" ? ` (granted${billing.expires_on ? `, until ${billing.expires_on}` : ", no end date"})` : " (the free plan)"),
    billing.checkout_available
      ? h("p", {}, actionButton("Upgrade to Pro", "Opening checkout…", go("/v1/me/billing/checkout")), " ",
        actionButton("Manage billing", "Opening the portal…", go("/v1/me/billing/portal"), { class: "secondary" }))
      : h("div", { class: "gate", role: "note" },
        h("h3", {}, "How to get Pro here"),
        h("p", {}, "This instance does not sell plans: its administrators grant them. Ask an admin of this instance for the Pro plan; "
          + "once granted, reload the dashboard and the Pro screens open."),
        h("p", {}, "Pro adds every theme, the section layout, insights, visitor transcripts, a year of analytics, 20 API keys and a larger quota.")),
    h("h2", {}, "Usage"),
    h("p", {}, `API-key requests today: ${usage.api_key_requests_today}.`),
    table("Quota buckets", [
      { label: "Bucket", value: (b) => b.name },
      { label: "Limit", value: (b) => String(b.limit) },
      { label: "Remaining", value: (b) => String(b.remaining) },
      { label: "Full again in", value: (b) => `${b.reset_seconds} s` },
    ], buckets));
}
