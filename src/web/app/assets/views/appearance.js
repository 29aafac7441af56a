// Theme and layout, with a live preview of the public page beside them.
// Premium themes and the layout editor say which plan they need.

import { h, heading, status, say, problemText, clear } from "../dom.js";
import { api } from "../api.js";

export async function view({ claims }) {
  const [themes, current, layout, acct, profile] = await Promise.all([
    api("GET", "/v1/me/themes"), api("GET", "/v1/me/theme"), api("GET", "/v1/me/layout"), api("GET", "/v1/me/account"),
    api("GET", "/v1/me/profile"),
  ]);
  const frame = h("iframe", { title: "Preview of your public page", class: "preview", src: `/u/${claims.username}` });
  let version = 0;
  const reload = () => { version += 1; frame.src = `/u/${claims.username}?preview=${version}`; };

  const themeNote = status();
  const picker = h("fieldset", { class: "themes" },
    h("legend", {}, "Theme"),
    themes.map((t) => {
      const id = `theme-${t.id}`;
      const radio = h("input", { type: "radio", name: "theme", id, value: t.id, checked: t.id === current.theme,
        disabled: !t.available, "aria-describedby": `${id}-d` });
      radio.addEventListener("change", async () => {
        say(themeNote, `Switching to ${t.name}…`);
        try {
          await api("PUT", "/v1/me/theme", { theme: t.id });
          say(themeNote, `${t.name} is your theme now.`, "ok");
          reload();
        } catch (err) {
          say(themeNote, problemText(err), "error");
        }
      });
      return h("div", { class: "theme" }, radio, " ", h("label", { for: id }, t.name),
        h("small", { id: `${id}-d` }, ` ${t.description}`,
          t.available ? "" : h("span", { class: "badge" }, ` needs the ${t.plan} plan`)));
    }),
    themeNote);

  const canLayout = acct.plan !== "free";
  const layoutNote = status();
  let order = layout.sections.map((s) => ({ ...s }));
  const rows = h("ol", { class: "layout-rows" });
  const drawLayout = (focus) => {
    clear(rows).append(...order.map((s, i) => {
      const id = `layout-${s.name}`;
      const cb = h("input", { type: "checkbox", id, checked: s.visible, disabled: !canLayout });
      cb.addEventListener("change", () => { s.visible = cb.checked; });
      const mv = (d, label) => h("button", { type: "button", class: "secondary", disabled: !canLayout || i + d < 0 || i + d >= order.length,
        "aria-label": `Move ${s.name} ${label}`, dataset: { move: `${s.name}-${label}` },
        onclick: () => { const [x] = order.splice(i, 1); order.splice(i + d, 0, x); drawLayout(`${s.name}-${label}`); } }, label === "up" ? "Up" : "Down");
      return h("li", {}, cb, " ", h("label", { for: id }, s.name), " ", mv(-1, "up"), " ", mv(1, "down"));
    }));
    if (focus) (rows.querySelector(`[data-move="${focus}"]:not([disabled])`) || rows.querySelector("button:not([disabled])"))?.focus();
  };
  drawLayout();
  const save = h("button", { type: "button", disabled: !canLayout, onclick: async () => {
    say(layoutNote, "Saving the layout…");
    try {
      const saved = await api("PUT", "/v1/me/layout", { sections: order });
      order = saved.sections.map((s) => ({ ...s }));
      drawLayout();
      say(layoutNote, "Layout saved.", "ok");
      reload();
    } catch (err) {
      say(layoutNote, problemText(err), "error");
    }
  } }, "Save the layout");

  return h("section", {},
    heading("Theme and layout"),
    h("div", { class: "split" },
      h("div", {},
        picker,
        h("fieldset", { class: "layout" }, h("legend", {}, "Sections: order and visibility"),
          canLayout ? null : h("p", { class: "gate" }, "Choosing the order and visibility of sections needs the pro plan. ",
            h("a", { href: "/app/plan" }, "How to get Pro")),
          rows, save, layoutNote)),
      h("div", { class: "preview-wrap" }, h("h2", {}, "Preview"),
        profile.is_public ? null : h("p", { class: "gate" }, "Your profile is private: visitors, and this preview, get the page's 404. ",
          h("a", { href: "/app/profile" }, "Make it public in the profile")),
        h("p", {}, h("a", { href: `/u/${claims.username}`, target: "_blank", rel: "noopener" }, "Open the public page in a new tab")),
        frame)));
}
