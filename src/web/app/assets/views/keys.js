// API keys: create (optional expiry), the raw key shown once with a copy
// button, revoke.

import { h, heading, status, say, problemText, fmtDate, table, clear } from "../dom.js";
import { api } from "../api.js";
import { form } from "../form.js";

export async function view() {
  const note = status();
  const fresh = h("div", { "aria-live": "polite" });
  const listing = h("div", {});
  const draw = async () => {
    const keys = await api("GET", "/v1/auth/api-keys");
    clear(listing).append(table("Your API keys", [
      { label: "Name", value: (k) => k.name },
      { label: "Prefix", value: (k) => h("code", {}, k.prefix) },
      { label: "State", value: (k) => (k.is_active ? "active" : "revoked") },
      { label: "Created", value: (k) => fmtDate(k.created_at) },
      { label: "Last used", value: (k) => fmtDate(k.last_used_at) },
      { label: "Expires", value: (k) => (k.expires_at ? fmtDate(k.expires_at) : "never") },
      { label: "", value: (k) => (k.is_active ? h("button", { type: "button", class: "danger", "aria-label": `Revoke ${k.name}`,
        onclick: async (ev) => {
          ev.target.disabled = true;
          say(note, "Revoking…");
          try {
            await api("DELETE", `/v1/auth/api-keys/${k.id}`);
            say(note, `Revoked ${k.name}.`, "ok");
            await draw();
          } catch (err) {
            ev.target.disabled = false;
            say(note, problemText(err), "error");
          }
        } }, "Revoke") : "") },
    ], keys, { class: "keys" }));
  };
  await draw();
  const create = form({
    id: "new-key",
    submit: "Create the key",
    busy: "Creating…",
    fields: [
      { name: "name", label: "Name", required: true, max: 100, help: "What the key is for, e.g. my CLI." },
      { name: "expires_at", label: "Expires on (optional)", type: "day", omitEmpty: true, help: "A future date; empty: never." },
    ],
    onSubmit: async (v) => {
      const body = { name: v.name };
      if (v.expires_at) {
        // a bare date means the end of that day, UTC
        body.expires_at = /^\d{4}-\d{2}-\d{2}$/.test(v.expires_at) ? `${v.expires_at}T23:59:59Z` : v.expires_at;
      }
      const k = await api("POST", "/v1/auth/api-keys", body);
      const raw = h("code", { class: "raw-key", id: "raw-key" }, k.raw_key);
      const copied = status();
      clear(fresh).append(h("div", { class: "callout", role: "region", "aria-label": "New API key" },
        h("p", {}, h("strong", {}, `Your key ${k.name}: `), "copy it now, it is shown only once."),
        h("p", {}, raw, " ", h("button", { type: "button", onclick: async () => {
          try {
            await navigator.clipboard.writeText(k.raw_key);
            say(copied, "Copied.", "ok");
          } catch {
            getSelection().selectAllChildren(raw);
            say(copied, "Selected: press Ctrl+C to copy.", "ok");
          }
        } }, "Copy"), " ", copied)));
      await draw();
      return null;
    },
  });
  return h("section", {},
    heading("API keys"),
    h("p", {}, "A key reads and writes your résumé from scripts (X-API-Key). Its requests count against your plan's quota."),
    h("h2", {}, "New key"), create, fresh, note,
    h("h2", {}, "Keys"), listing);
}
