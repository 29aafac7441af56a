// Admin: user search with filters, and one user's drill-down: account,
// grants (give, revoke), disable and enable, the admin role, a one-time
// password-reset token, and the audit timeline.

import { h, heading, clear, table, actionButton, fmtDate, status, say, problemText } from "../dom.js";
import { api } from "../api.js";
import { form } from "../form.js";

const PAGE = 50;

export async function list() {
  const q = new URLSearchParams(location.search);
  const out = h("div", { "aria-live": "polite" });
  const filters = form({
    id: "user-filters",
    submit: "Search",
    busy: "Searching…",
    fields: [
      { name: "q", label: "Name, username or email", omitEmpty: true },
      { name: "plan", label: "Plan", type: "select", omitEmpty: true, options: [["", "any"], ["free", "free"], ["pro", "pro"], ["recruiter", "recruiter"]] },
      { name: "has_grant", label: "Grant", type: "select", omitEmpty: true, options: [["", "any"], ["true", "has a grant"], ["false", "no grant"]] },
      { name: "is_admin", label: "Role", type: "select", omitEmpty: true, options: [["", "any"], ["true", "admins"], ["false", "not admins"]] },
    ],
    values: Object.fromEntries(q),
    onSubmit: async (v) => {
      const query = new URLSearchParams(v).toString();
      history.replaceState(null, "", `/app/admin/users${query ? `?${query}` : ""}`);
      await load(v);
    },
  });
  const load = async (v) => {
    const { offset: at = "0", ...filters } = v;
    const offset = Math.max(0, Number(at) || 0);
    const params = new URLSearchParams({ ...filters, limit: PAGE, offset });
    const r = await api("GET", `/v1/admin/users?${params}`);
    const page = (o) => `/app/admin/users?${new URLSearchParams({ ...filters, offset: o })}`;
    clear(out).append(h("p", {}, r.total ? `${r.total} users match; ${offset + 1} to ${offset + r.result_count} shown.` : "No user matches."), table("Users", [
      { label: "Username", value: (u) => h("a", { href: `/app/admin/users/${encodeURIComponent(u.username)}` }, u.username) },
      { label: "Name", value: (u) => u.full_name },
      { label: "Email", value: (u) => u.email },
      { label: "Plan", value: (u) => u.plan },
      { label: "State", value: (u) => [u.is_admin ? "admin" : "", u.is_disabled ? "disabled" : "active"].filter(Boolean).join(", ") },
      { label: "Since", value: (u) => fmtDate(u.created_at) },
    ], r.items), h("p", { class: "pager" },
      offset > 0 ? h("a", { href: page(Math.max(0, offset - PAGE)) }, "Previous") : null, " ",
      offset + r.items.length < r.total ? h("a", { href: page(offset + PAGE) }, "Next") : null));
  };
  await load(Object.fromEntries(q));
  return h("section", {}, heading("Users"), filters, out);
}

export async function detail({ params, navigate }) {
  const name = params.username;
  const path = `/v1/admin/users/${encodeURIComponent(name)}`;
  const d = await api("GET", path);
  const u = d.user;
  const again = () => navigate(location.pathname, true);
  const patch = (body, done) => actionButton(done[0], done[1], async () => {
    await api("PATCH", path, body);
    again();
  }, body.is_disabled ? { class: "danger" } : {});
  const reset = status();
  const grants = d.manual_grants.map((g) => ({ ...g, active: !g.revoked_at && (!g.expires_on || g.expires_on >= new Date().toISOString().slice(0, 10)) }));
  return h("section", {},
    heading(`${u.full_name} (${u.username})`),
    h("p", {}, `${u.email}; plan ${u.plan}; ${u.is_admin ? "admin; " : ""}${u.is_disabled ? "disabled" : "active"}; since ${fmtDate(u.created_at)}.`),
    h("div", { class: "toolbar" },
      u.is_disabled ? patch({ is_disabled: false }, ["Enable the account", "Enabling…"])
        : patch({ is_disabled: true }, ["Disable the account", "Disabling…"]),
      u.is_admin ? patch({ is_admin: false }, ["Take the admin role", "Saving…"]) : patch({ is_admin: true }, ["Make admin", "Saving…"]),
      actionButton("Make a password-reset token", "Making…", async () => {
        const t = await api("POST", `${path}/password-reset`);
        clear(reset).append("One-time token (give it to the user; valid until ", fmtDate(t.expires_at), "): ",
          h("code", { class: "raw-key" }, t.reset_token), ". They set a password at /app/reset.");
      })),
    reset,
    h("h2", {}, "Grants"),
    table("Manual grants", [
      { label: "Plan", value: (g) => g.plan },
      { label: "Reason", value: (g) => g.reason },
      { label: "Since", value: (g) => fmtDate(g.created_at) },
      { label: "Until", value: (g) => g.expires_on || "no end" },
      { label: "State", value: (g) => (g.revoked_at ? `revoked ${fmtDate(g.revoked_at)}: ${g.revoke_reason || ""}` : g.active ? "active" : "ended") },
      { label: "", value: (g) => (g.active ? revokeForm(g, again) : "") },
    ], grants),
    d.subscriptions.length ? table("Subscriptions", [
      { label: "Plan", value: (x) => x.plan ?? "" },
      { label: "State", value: (x) => x.status ?? "" },
      { label: "Details", value: (x) => JSON.stringify(x) },
    ], d.subscriptions) : null,
    h("h3", {}, "Give a plan"),
    form({
      id: "grant",
      submit: "Grant",
      busy: "Granting…",
      fields: [
        { name: "plan", label: "Plan", type: "select", options: [["pro", "pro"], ["recruiter", "recruiter"]] },
        { name: "reason", label: "Reason", required: true },
        { name: "expires_on", label: "Until (optional)", type: "day", omitEmpty: true, help: "Empty: no end date." },
      ],
      onSubmit: async (v) => {
        const r = await api("POST", "/v1/admin/grants", { username: u.username, ...v });
        again();
        return r.message;
      },
    }),
    h("h2", {}, "Timeline"),
    table("Audit events, newest first", [
      { label: "When", value: (e) => fmtDate(e.at) },
      { label: "What", value: (e) => e.action },
      { label: "From", value: (e) => e.ip || "operator" },
      { label: "Detail", value: (e) => (Object.keys(e.detail || {}).length ? JSON.stringify(e.detail) : "") },
    ], d.timeline),
    h("p", {}, h("a", { href: "/app/admin/users" }, "All users")));
}

function revokeForm(g, again) {
  const note = status();
  const reason = h("input", { type: "text", "aria-label": `Reason to revoke the ${g.plan} grant`, placeholder: "reason" });
  const btn = h("button", { type: "button", class: "danger" }, "Revoke");
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    say(note, "Revoking…");
    try {
      await api("POST", "/v1/admin/grants/revoke", { grant_id: g.grant_id, reason: reason.value.trim() || "revoked from the dashboard" });
      again();
    } catch (err) {
      btn.disabled = false;
      say(note, problemText(err), "error");
    }
  });
  return h("span", { class: "revoke" }, reason, " ", btn, note);
}
