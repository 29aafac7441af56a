// JSON Resume import (PUT /v1/me/resume, all or nothing) and the exports:
// the JSON Resume document and everything the server keeps.

import { h, heading, status, say, problemText, actionButton } from "../dom.js";
import { api, download } from "../api.js";

export async function view() {
  const note = status();
  const summary = h("div", { class: "summary", "aria-live": "polite" });
  const input = h("input", { type: "file", id: "import-file", accept: ".json,application/json" });
  const go = h("button", { type: "button" }, "Import");
  go.addEventListener("click", async () => {
    summary.replaceChildren();
    const file = input.files[0];
    if (!file) {
      say(note, "Choose a JSON Resume file first.", "error");
      input.focus();
      return;
    }
    let doc;
    try {
      doc = JSON.parse(await file.text());
    } catch (err) {
      say(note, `${file.name} is not JSON: ${err.message}`, "error");
      return;
    }
    go.disabled = true;
    say(note, `Importing ${file.name}…`);
    try {
      const r = await api("PUT", "/v1/me/resume", doc);
      say(note, `Imported ${file.name}.`, "ok");
      summary.append(
        h("h3", {}, "Imported"),
        h("ul", { class: "imported" }, Object.entries(r.imported).map(([k, n]) => h("li", {}, `${k}: ${n}`))),
        h("h3", {}, "Kept as they came (no RESTume field; given back on export)"),
        r.kept_verbatim.length ? h("ul", { class: "kept" }, r.kept_verbatim.map((k) => h("li", {}, k))) : h("p", {}, "Nothing."));
    } catch (err) {
      say(note, problemText(err), "error");
      if (err.problem && err.problem.errors) {
        summary.append(h("ul", { class: "errors" }, err.problem.errors.map((e) => h("li", {}, `${e.field}: ${e.message}`))));
      }
    } finally {
      go.disabled = false;
    }
  });
  return h("section", {},
    heading("Import and export"),
    h("h2", {}, "Import a JSON Resume file"),
    h("p", {}, "The file replaces the profile and the five sections in one step: all of it or, on an error, none of it."),
    h("div", { class: "field" }, h("label", { for: "import-file" }, "JSON Resume file"), input),
    go, note, summary,
    h("h2", {}, "Export"),
    h("p", {}, actionButton("Download JSON Resume", "Preparing…", async () => {
      const doc = await api("GET", "/v1/me/resume?format=jsonresume");
      const blob = new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" });
      const a = h("a", { href: URL.createObjectURL(blob), download: "resume.json" });
      document.body.append(a);
      a.click();
      a.remove();
      return "Downloaded resume.json.";
    })),
    h("p", {}, actionButton("Download everything the server keeps", "Preparing…", async () =>
      `Downloaded ${await download("/v1/me/export", "restume-export.json")}.`)));
}
