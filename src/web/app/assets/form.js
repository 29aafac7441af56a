// Forms built from field lists. Values go to the API as typed; the API's
// errors[] come back to the field they name (`links[0].url`, `keywords[2]`),
// with the rest above the form. A form that a 401 interrupted keeps what was
// typed in sessionStorage and gets it back after the sign-in.

import { h, uid, say, problemText } from "./dom.js";

const DRAFT = "restume.draft";

// Field types: text (default), email, url, date (a partial ISO date as
// text), day (a whole date, the browser's picker), textarea, number, checkbox,
// select (options), list (one string per line), links (network/username/url rows).
function control(f, id, value, errId) {
  const common = { id, name: f.name, "aria-describedby": `${errId}${f.help ? ` ${id}-help` : ""}`,
    dataset: { field: f.name } };
  if (f.required) common.required = true;
  switch (f.type) {
    case "textarea":
      return h("textarea", { ...common, rows: f.rows || 4, maxlength: f.max }, value ?? "");
    case "list":
      return h("textarea", { ...common, rows: f.rows || 3 }, (value || []).join("\n"));
    case "number":
      return h("input", { ...common, type: "number", inputmode: "numeric", min: f.min, max: f.max, step: 1,
        value: value ?? "" });
    case "checkbox":
      return h("input", { ...common, type: "checkbox", checked: Boolean(value) });
    case "select":
      return h("select", common, f.options.map(([v, label]) =>
        h("option", { value: v, selected: v === (value ?? "") }, label)));
    case "links":
      return linksEditor(f, id, value || []);
    case "day":
      return h("input", { ...common, type: "date", value: value ?? "" });
    default:
      return h("input", { ...common, type: f.type === "date" ? "text" : (f.type || "text"),
        maxlength: f.max, value: value ?? "",
        placeholder: f.type === "date" ? "YYYY, YYYY-MM or YYYY-MM-DD" : f.placeholder,
        autocomplete: f.autocomplete || "off", inputmode: f.type === "date" ? "numeric" : null });
  }
}

function linkRow(i, link) {
  const cell = (key, label, type) => {
    const id = uid("link");
    return h("span", { class: "cell" },
      h("label", { for: id }, label),
      h("input", { id, type, value: link[key] || "", dataset: { field: `links[${i}].${key}`, key } }),
      h("span", { class: "field-error", id: `${id}-err`, dataset: { errorFor: `links[${i}].${key}` } }));
  };
  const row = h("div", { class: "link-row" },
    cell("network", "Network", "text"), cell("username", "Username", "text"), cell("url", "Address", "url"),
    h("button", { type: "button", class: "secondary", onclick: () => row.remove() }, "Remove link"));
  return row;
}

function linksEditor(f, id, links) {
  const rows = h("div", { class: "link-rows" }, links.map((l, i) => linkRow(i, l)));
  return h("div", { id, class: "links", dataset: { field: f.name, kind: "links" } }, rows,
    h("button", { type: "button", class: "secondary",
      onclick: () => rows.append(linkRow(rows.children.length, {})) }, "Add a link"));
}

function readField(f, form) {
  const el = form.querySelector(`[name="${f.name}"]`) || form.querySelector(`[data-kind="links"][data-field="${f.name}"]`);
  if (!el) return undefined;
  switch (f.type) {
    case "checkbox":
      return el.checked;
    case "number":
      return el.value.trim() === "" ? null : Number(el.value);
    case "list":
      return el.value.split("\n").map((s) => s.trim()).filter(Boolean);
    case "links":
      return [...el.querySelectorAll(".link-row")].map((row, i) => {
        // rows may have been removed: the API's indexes are the order now
        row.querySelectorAll("[data-key]").forEach((input) => {
          input.dataset.field = `links[${i}].${input.dataset.key}`;
          input.nextElementSibling.dataset.errorFor = input.dataset.field;
        });
        const get = (k) => row.querySelector(`[data-key="${k}"]`).value.trim();
        return { network: get("network"), username: get("username"), url: get("url") };
      });
    default: {
      const v = el.value.trim();
      return v === "" && !f.required ? null : v;
    }
  }
}

export function clearErrors(form) {
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  form.querySelectorAll(".field-error").forEach((el) => { el.textContent = ""; });
}

// Puts each of the API's errors[] at its field; answers the ones no field took.
export function showErrors(form, problem) {
  clearErrors(form);
  const left = [];
  let first = null;
  for (const e of problem.errors || []) {
    const names = [e.field, e.field.replace(/\[\d+\]$/, ""), e.field.replace(/\[\d+\].*$/, "")];
    let spot = null;
    for (const n of names) {
      spot = form.querySelector(`[data-error-for="${CSS.escape(n)}"]`);
      if (spot) break;
    }
    if (!spot) {
      left.push(e);
      continue;
    }
    spot.textContent = spot.textContent ? `${spot.textContent}; ${e.message}` : e.message;
    const input = form.querySelector(`[data-field="${CSS.escape(spot.dataset.errorFor)}"]`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
  }
  if (first) first.focus();
  return left;
}

function takeDraft(id) {
  try {
    const d = JSON.parse(sessionStorage.getItem(DRAFT));
    if (d && d.form === id && d.path === location.pathname) {
      sessionStorage.removeItem(DRAFT);
      return d.values;
    }
  } catch {
    // no draft
  }
  return null;
}

// form({id, fields, values, submit, onSubmit(values) -> message?, extra})
export function form(opts) {
  const draft = takeDraft(opts.id);
  const values = draft || opts.values || {};
  const note = h("div", { class: "status", role: "alert" });
  const button = h("button", { type: "submit" }, opts.submit || "Save");
  const el = h("form", { id: opts.id, novalidate: true, class: "form" },
    draft ? h("p", { class: "status ok" }, "What you had typed before signing in again is back; save it when ready.") : null,
    opts.fields.map((f) => {
      const id = uid(`f-${f.name}`);
      const errId = `${id}-err`;
      const input = control(f, id, values[f.name], errId);
      const label = h(f.type === "links" ? "span" : "label", f.type === "links" ? { class: "label", id: `${id}-label` } : { for: id },
        f.label, f.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null);
      if (f.type === "links") input.setAttribute("aria-labelledby", `${id}-label`);
      return h("div", { class: `field field-${f.type || "text"}` },
        f.type === "checkbox" ? [input, " ", label] : [label, input],
        f.help ? h("small", { id: `${id}-help`, class: "help" }, f.help) : null,
        h("span", { class: "field-error", id: errId, dataset: { errorFor: f.name } }));
    }),
    opts.extra || null,
    h("div", { class: "form-actions" }, button, opts.cancel || null),
    note);
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    // a 401 moves to the sign-in screen before the answer comes back here
    const path = location.pathname;
    const out = {};
    for (const f of opts.fields) {
      const v = readField(f, el);
      if (v !== undefined && !(f.omitEmpty && (v === null || v === ""))) out[f.name] = v;
    }
    clearErrors(el);
    say(note, "");
    button.disabled = true;
    el.setAttribute("aria-busy", "true");
    const label = button.textContent;
    button.textContent = opts.busy || "Saving…";
    try {
      const msg = await opts.onSubmit(out);
      if (msg) say(note, msg, "ok");
    } catch (err) {
      if (err.status === 401 && !opts.noDraft) {
        // what was typed comes back after the sign-in; a password never is kept
        const kept = Object.fromEntries(opts.fields.filter((f) => f.type !== "password" && f.name in out)
          .map((f) => [f.name, out[f.name]]));
        sessionStorage.setItem(DRAFT, JSON.stringify({ form: opts.id, path, values: kept }));
      }
      const all = (err.problem && err.problem.errors) || [];
      const left = err.problem ? showErrors(el, err.problem) : [];
      const placed = all.length - left.length;
      const extra = left.map((e) => `${e.field}: ${e.message}`).join("; ");
      say(note, problemText(err)
        + (placed ? ` — ${placed === 1 ? "one field to fix, marked" : `${placed} fields to fix, marked`} above` : "")
        + (extra ? `; ${extra}` : ""), "error");
    } finally {
      button.disabled = false;
      el.removeAttribute("aria-busy");
      button.textContent = label;
    }
  });
  return el;
}
