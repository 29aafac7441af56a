// Every element of the dashboard is made here. Text always goes in as a text
// node, never as markup, so what a user typed can never become HTML.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" && "value" in el) {
      el.value = value;
    } else if (key === "checked" || key === "selected") {
      el[key] = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// An SVG element: the charts are drawn with these.
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let seq = 0;
export function uid(prefix) {
  seq += 1;
  return `${prefix}-${seq}`;
}

// A status line that screen readers announce.
export function status() {
  return h("p", { class: "status", role: "status", "aria-live": "polite" });
}

export function say(el, text, kind) {
  el.textContent = text || "";
  el.className = "status" + (kind ? ` ${kind}` : "");
}

// The server's own message for a failure, as one line.
export function problemText(err) {
  if (!err) return "";
  const p = err.problem || {};
  let text = p.detail || err.message || "Something went wrong";
  if (p.code === "plan_required" && p.required_plan) {
    text = `${text} (needs the ${p.required_plan} plan)`;
  }
  if (p.retry_after) text += ` Try again in ${p.retry_after} s.`;
  return text;
}

export function fmtDate(ts) {
  if (!ts) return "—";
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toLocaleString();
}

// A page heading the router focuses after a navigation.
export function heading(text, ...extra) {
  return h("h1", { tabindex: "-1" }, text, ...extra);
}

// A button that shows progress while its action runs and its failure after.
export function actionButton(label, busyLabel, action, attrs = {}) {
  const note = h("span", { class: "status", role: "status", "aria-live": "polite" });
  const btn = h("button", { type: "button", ...attrs }, label);
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
    btn.textContent = busyLabel;
    say(note, "");
    try {
      const msg = await action();
      if (typeof msg === "string") say(note, msg, "ok");
    } catch (err) {
      say(note, problemText(err), "error");
    } finally {
      btn.disabled = false;
      btn.removeAttribute("aria-busy");
      btn.textContent = label;
    }
  });
  return h("span", { class: "action" }, btn, " ", note);
}

// A table from rows and column definitions [{label, value: row => node|text}].
export function table(caption, columns, rows, attrs = {}) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", attrs,
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.label)))),
      h("tbody", {}, rows.length
        ? rows.map((r) => h("tr", {}, columns.map((c) => h("td", {}, c.value(r)))))
        : h("tr", {}, h("td", { colspan: columns.length }, "Nothing yet.")))));
}
