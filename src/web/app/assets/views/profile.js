// The profile: every field of PATCH /v1/me/profile, and the account's name
// and email (PATCH /v1/me/account).

import { h, heading } from "../dom.js";
import { api } from "../api.js";
import { form } from "../form.js";

export async function view() {
  const [p, acct] = await Promise.all([api("GET", "/v1/me/profile"), api("GET", "/v1/me/account")]);
  return h("section", {},
    heading("Profile"),
    h("h2", {}, "Name and email"),
    form({
      id: "account-fields",
      fields: [
        { name: "full_name", label: "Full name", required: true, max: 200 },
        { name: "email", label: "Account email (private)", type: "email", required: true },
      ],
      values: acct,
      onSubmit: async (v) => {
        // only what changed: an email change is an audited event of its own
        const changed = Object.fromEntries(Object.entries(v).filter(([k, x]) => x !== acct[k]));
        if (!Object.keys(changed).length) return "Nothing changed.";
        Object.assign(acct, await api("PATCH", "/v1/me/account", changed));
        return "Saved.";
      },
    }),
    h("h2", {}, "Public profile"),
    form({
      id: "profile",
      fields: [
        { name: "headline", label: "Headline", max: 200 },
        { name: "summary", label: "Summary", type: "textarea", max: 5000, rows: 6 },
        { name: "location", label: "Location", max: 200 },
        { name: "public_email", label: "Public email", type: "email" },
        { name: "phone", label: "Phone", max: 50 },
        { name: "website", label: "Website", type: "url", help: "An http or https address." },
        { name: "avatar_url", label: "Avatar image address", type: "url" },
        { name: "links", label: "Links (up to 20)", type: "links" },
        { name: "open_to_work", label: "Open to work", type: "checkbox" },
        { name: "open_to_work_note", label: "Open-to-work note", type: "textarea", max: 500, rows: 2 },
        { name: "open_to_work_roles", label: "Roles wanted (one a line, up to 10)", type: "list" },
        { name: "is_public", label: "Public (anyone can read the résumé)", type: "checkbox" },
      ],
      values: p,
      onSubmit: async (v) => {
        const saved = await api("PATCH", "/v1/me/profile", v);
        return `Saved at ${new Date(saved.updated_at).toLocaleTimeString()}.`;
      },
    }));
}
