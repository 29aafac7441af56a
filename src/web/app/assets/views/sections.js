// The five résumé sections: add, edit, delete, and reorder by dragging or by
// keyboard (the handle's arrow keys, or the Move buttons). A new order is
// saved as each moved row's `position` with PUT, the rows' full replace.

import { h, heading, status, say, problemText, clear } from "../dom.js";
import { api } from "../api.js";
import { form } from "../form.js";

export const NAMES = ["skills", "experience", "education", "projects", "certifications"];
export const TITLES = { skills: "Skills", experience: "Experience", education: "Education",
  projects: "Projects", certifications: "Certifications" };
const SINGULAR = { skills: "skill", experience: "role", education: "school", projects: "project", certifications: "certification" };

const date = (name, label) => ({ name, label, type: "date" });
export const FIELDS = {
  skills: [
    { name: "name", label: "Name", required: true, max: 100 },
    { name: "level", label: "Level", max: 50, help: "Free text, e.g. Expert, Intermediate." },
    { name: "years", label: "Years", type: "number", min: 0, max: 70 },
    { name: "category", label: "Category", max: 50 },
    { name: "keywords", label: "Keywords (one a line)", type: "list" },
  ],
  experience: [
    { name: "company", label: "Company", required: true, max: 200 },
    { name: "title", label: "Title", required: true, max: 200 },
    date("start_date", "Start date"), { ...date("end_date", "End date"), help: "Empty: current." },
    { name: "location", label: "Location" }, { name: "url", label: "Company web address", type: "url" },
    { name: "summary", label: "Summary", type: "textarea", max: 5000 },
    { name: "highlights", label: "Highlights (one a line)", type: "list" },
  ],
  education: [
    { name: "institution", label: "Institution", required: true, max: 200 },
    { name: "area", label: "Area" }, { name: "study_type", label: "Type of study" },
    date("start_date", "Start date"), date("end_date", "End date"),
    { name: "score", label: "Score" }, { name: "courses", label: "Courses (one a line)", type: "list" },
  ],
  projects: [
    { name: "name", label: "Name", required: true, max: 200 },
    { name: "description", label: "Description", type: "textarea", max: 5000 },
    { name: "url", label: "Web address", type: "url" }, { name: "repo_url", label: "Repository address", type: "url" },
    date("start_date", "Start date"), date("end_date", "End date"),
    { name: "highlights", label: "Highlights (one a line)", type: "list" },
    { name: "keywords", label: "Technologies (one a line)", type: "list" },
  ],
  certifications: [
    { name: "name", label: "Name", required: true, max: 200 },
    { name: "issuer", label: "Issuer", required: true, max: 200 },
    date("date", "Date"), date("expires", "Expires"), { name: "url", label: "Web address", type: "url" },
    { name: "credential_id", label: "Credential id", max: 200 },
  ],
};

function describe(section, r) {
  const span = [r.start_date, r.end_date].filter(Boolean).join(" – ");
  switch (section) {
    case "skills": return [r.name, [r.level, r.years != null ? `${r.years} years` : null, r.category].filter(Boolean).join(", ")];
    case "experience": return [`${r.title || "(no title)"} at ${r.company}`, r.start_date && !r.end_date ? `${r.start_date} – now` : span];
    case "education": return [r.institution, [r.study_type, r.area, span].filter(Boolean).join(", ")];
    case "projects": return [r.name, span];
    default: return [r.name, [r.issuer, r.date].filter(Boolean).join(", ")];
  }
}

// A row as PUT takes it: the fields, no server-kept members.
function body(section, row) {
  const out = {};
  for (const f of FIELDS[section]) out[f.name] = row[f.name] ?? (["list"].includes(f.type) ? [] : null);
  return out;
}

export function view(section) {
  return async () => {
    const path = `/v1/me/${section}`;
    let rows = await api("GET", path);
    const note = status();
    const list = h("ol", { class: "rows", "aria-label": TITLES[section] });
    const adder = h("div", {});

    // A reorder on screen while a reload is on its way wins: the reload's
    // answer was read before the reorder's writes and is dropped.
    let version = 0;
    const refresh = async (focusId) => {
      const asked = version;
      const fresh = await api("GET", path);
      if (asked !== version) return;
      rows = fresh;
      draw(focusId);
    };

    // Saves the order on screen: every row whose position changed.
    const saveOrder = async (order, focusId) => {
      version += 1;
      rows = order;
      draw(focusId);
      say(note, "Saving the order…");
      try {
        for (const [i, r] of order.entries()) {
          if (r.position !== i) {
            await api("PUT", `${path}/${r.id}`, { ...body(section, r), position: i });
            r.position = i;
          }
        }
        say(note, "Order saved.", "ok");
      } catch (err) {
        say(note, problemText(err), "error");
        await refresh(focusId);
      }
    };

    const move = (from, to) => {
      if (to < 0 || to >= rows.length || from === to) return;
      const order = rows.slice();
      const [r] = order.splice(from, 1);
      order.splice(to, 0, r);
      saveOrder(order, r.id);
    };

    let dragFrom = null;
    const card = (r, i) => {
      const [title, sub] = describe(section, r);
      const confirm = h("span", { class: "confirm" });
      const handle = h("button", { type: "button", class: "handle", "aria-label": `Move ${title}: arrow keys`,
        "aria-describedby": `${section}-hint`, dataset: { id: r.id } }, "⇅");
      handle.addEventListener("keydown", (ev) => {
        if (ev.key === "ArrowUp") { ev.preventDefault(); move(i, i - 1); }
        if (ev.key === "ArrowDown") { ev.preventDefault(); move(i, i + 1); }
      });
      const li = h("li", { class: "row", draggable: "true", dataset: { id: r.id } },
        handle,
        h("div", { class: "row-text" }, h("strong", {}, title || "(empty)"), sub ? h("span", {}, sub) : null),
        h("div", { class: "row-actions" },
          h("button", { type: "button", class: "secondary", disabled: i === 0, onclick: () => move(i, i - 1),
            "aria-label": `Move ${title} up` }, "Up"),
          h("button", { type: "button", class: "secondary", disabled: i === rows.length - 1, onclick: () => move(i, i + 1),
            "aria-label": `Move ${title} down` }, "Down"),
          h("button", { type: "button", onclick: () => edit(li, r), "aria-label": `Edit ${title}` }, "Edit"),
          h("button", { type: "button", class: "danger", "aria-label": `Delete ${title}`, onclick: () => {
            clear(confirm).append(`Delete ${title}? `,
              h("button", { type: "button", class: "danger", onclick: async () => {
                say(note, "Deleting…");
                try {
                  await api("DELETE", `${path}/${r.id}`);
                  say(note, `Deleted ${title}.`, "ok");
                  await refresh();
                } catch (err) {
                  say(note, problemText(err), "error");
                }
              } }, "Yes, delete"), " ",
              h("button", { type: "button", class: "secondary", onclick: () => clear(confirm) }, "Keep it"));
            confirm.querySelector("button").focus();
          } }, "Delete"),
          confirm));
      li.addEventListener("dragstart", (ev) => { dragFrom = i; ev.dataTransfer.effectAllowed = "move"; ev.dataTransfer.setData("text/plain", r.id); li.classList.add("dragging"); });
      li.addEventListener("dragend", () => li.classList.remove("dragging"));
      li.addEventListener("dragover", (ev) => { ev.preventDefault(); ev.dataTransfer.dropEffect = "move"; });
      li.addEventListener("drop", (ev) => { ev.preventDefault(); if (dragFrom !== null) move(dragFrom, i); dragFrom = null; });
      return li;
    };

    const edit = (li, r) => {
      const f = form({
        id: `edit-${section}-${r.id}`,
        fields: FIELDS[section],
        values: r,
        onSubmit: async (v) => {
          await api("PUT", `${path}/${r.id}`, { ...v, position: r.position });
          await refresh(r.id);
          say(note, "Saved.", "ok");
        },
        cancel: h("button", { type: "button", class: "secondary", onclick: () => draw(r.id) }, "Cancel"),
      });
      clear(li).append(f);
      li.draggable = false;
      f.querySelector("input, textarea")?.focus();
    };

    const draw = (focusId) => {
      clear(list).append(...rows.map(card));
      if (!rows.length) list.append(h("li", { class: "empty" }, `No ${TITLES[section].toLowerCase()} yet.`));
      if (focusId) list.querySelector(`.handle[data-id="${focusId}"]`)?.focus();
    };

    const openAdd = () => {
      const f = form({
        id: `add-${section}`,
        submit: `Add the ${SINGULAR[section]}`,
        fields: FIELDS[section],
        onSubmit: async (v) => {
          await api("POST", path, v);
          await refresh();
          clear(adder).append(addButton);
          say(note, "Added.", "ok");
        },
        cancel: h("button", { type: "button", class: "secondary", onclick: () => { clear(adder).append(addButton); addButton.focus(); } }, "Cancel"),
      });
      clear(adder).append(h("h2", {}, `New ${SINGULAR[section]}`), f);
      f.querySelector("input, textarea").focus();
    };
    const addButton = h("button", { type: "button", onclick: openAdd }, `Add a ${SINGULAR[section]}`);
    adder.append(addButton);
    draw();
    if ((sessionStorage.getItem("restume.draft") || "").includes(`"form":"add-${section}"`)) openAdd();
    return h("section", {},
      heading(TITLES[section]),
      h("p", { id: `${section}-hint`, class: "help" }, "Drag a row to reorder it, or focus its ⇅ handle and use the up and down arrow keys."),
      adder, note, list);
  };
}
