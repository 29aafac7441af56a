// The dashboard's shell: the route table, the navigation and the sign-in
// guard. Every screen is a function that fills <main>; links inside /app
// are followed with the History API, so deep links and the back button work.

import { h, clear, problemText } from "./dom.js";
import { token, claims, whenSignedOut, scheduleRefresh, endSession } from "./api.js";
import * as auth from "./views/auth.js";
import * as home from "./views/home.js";
import * as profile from "./views/profile.js";
import * as sections from "./views/sections.js";
import * as resume from "./views/resume.js";
import * as keys from "./views/keys.js";
import * as appearance from "./views/appearance.js";
import * as analytics from "./views/analytics.js";
import * as insights from "./views/insights.js";
import * as plan from "./views/plan.js";
import * as account from "./views/account.js";
import * as admin from "./views/admin.js";
import * as adminUsers from "./views/admin_users.js";
import * as adminBlog from "./views/admin_blog.js";

const NEXT = "restume.next";

// [pattern, title, view, options]; `:name` is a parameter.
const ROUTES = [
  ["/app/signin", "Sign in", auth.signin, { open: true }],
  ["/app/signup", "Sign up", auth.signup, { open: true }],
  ["/app/reset", "Set a new password", auth.reset, { open: true }],
  ["/app", "Overview", home.view],
  ["/app/profile", "Profile", profile.view],
  ...sections.NAMES.map((n) => [`/app/${n}`, sections.TITLES[n], sections.view(n)]),
  ["/app/import", "Import and export", resume.view],
  ["/app/keys", "API keys", keys.view],
  ["/app/appearance", "Theme and layout", appearance.view],
  ["/app/analytics", "Analytics", analytics.view],
  ["/app/insights", "Insights", insights.view],
  ["/app/transcripts", "Transcripts", insights.transcripts],
  ["/app/transcripts/:id", "Transcript", insights.transcript],
  ["/app/plan", "Plan and usage", plan.view],
  ["/app/account", "Account", account.view],
  ["/app/admin", "Admin overview", admin.kpis, { admin: true }],
  ["/app/admin/users", "Users", adminUsers.list, { admin: true }],
  ["/app/admin/users/:username", "User", adminUsers.detail, { admin: true }],
  ["/app/admin/search-index", "Search index", admin.searchIndex, { admin: true }],
  ["/app/admin/blog", "Blog posts", adminBlog.list, { admin: true }],
  ["/app/admin/blog/:slug", "Blog post", adminBlog.edit, { admin: true }],
];

const NAV = [
  ["Résumé", [["/app", "Overview"], ["/app/profile", "Profile"],
    ...sections.NAMES.map((n) => [`/app/${n}`, sections.TITLES[n]]), ["/app/import", "Import and export"]]],
  ["Audience", [["/app/appearance", "Theme and layout"], ["/app/analytics", "Analytics"],
    ["/app/insights", "Insights"], ["/app/transcripts", "Transcripts"]]],
  ["Account", [["/app/keys", "API keys"], ["/app/plan", "Plan and usage"], ["/app/account", "Account"]]],
];
const ADMIN_NAV = ["Admin", [["/app/admin", "KPIs"], ["/app/admin/users", "Users"],
  ["/app/admin/search-index", "Search index"], ["/app/admin/blog", "Blog"]]];

function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return null; // a malformed escape names no screen
  }
}

function match(path) {
  const got = path.replace(/\/+$/, "") || "/app";
  for (const [pattern, title, view, opts] of ROUTES) {
    const want = pattern.split("/");
    const parts = got.split("/");
    if (want.length !== parts.length) continue;
    const params = {};
    const fits = want.every((w, i) => {
      if (!w.startsWith(":")) return w === parts[i];
      params[w.slice(1)] = decode(parts[i]);
      return Boolean(params[w.slice(1)]);
    });
    if (fits) return { title, view, opts: opts || {}, params };
  }
  return null;
}

export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  render(true);
}

// Signing out forgets this tab's token (it lived nowhere else); "Sign out
// everywhere" on the account screen ends every token of the user.
function signOutLink() {
  return h("button", { type: "button", class: "link", onclick: () => {
    endSession();
    navigate("/app/signin");
  } }, "Sign out");
}

function nav(path, isAdmin) {
  const groups = isAdmin ? [...NAV, ADMIN_NAV] : NAV;
  const current = (href) => path === href || (href !== "/app" && href !== "/app/admin" && path.startsWith(`${href}/`));
  const menu = h("nav", { id: "nav", "aria-label": "Dashboard" },
    groups.map(([label, links]) => h("div", { class: "nav-group" },
      h("h2", {}, label),
      h("ul", {}, links.map(([href, text]) => h("li", {},
        h("a", { href, "aria-current": current(href) ? "page" : null }, text)))))));
  return menu;
}

function layout(path, c) {
  const toggle = h("button", { type: "button", class: "menu-toggle", "aria-controls": "nav", "aria-expanded": "false" }, "Menu");
  const main = h("main", { id: "main", tabindex: "-1" });
  const menu = nav(path, c && c.adm);
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
  const header = h("header", { class: "top" },
    h("a", { href: "/app", class: "brand" }, "RESTume"),
    c ? [toggle, h("span", { class: "who" }, h("a", { href: `/u/${c.username}`, target: "_blank", rel: "noopener" }, `/u/${c.username}`),
      " ", signOutLink())] : null);
  return { root: h("div", { class: c ? "shell" : "shell open-shell" }, header, c ? menu : null, main), main };
}

let renderSeq = 0;

async function render(moved) {
  const seq = ++renderSeq;
  const path = location.pathname;
  const found = match(path);
  const c = token() ? claims() : null;
  if (found && !found.opts.open && !c) {
    sessionStorage.setItem(NEXT, path + location.search);
    history.replaceState(null, "", "/app/signin");
    return render(moved);
  }
  if (found && found.opts.open && c && found.view !== auth.reset) {
    history.replaceState(null, "", "/app");
    return render(moved);
  }
  const { root, main } = layout(path, c);
  const app = document.getElementById("app");
  clear(app).append(root);
  if (!found) {
    document.title = "Not found · RESTume";
    main.append(h("h1", { tabindex: "-1" }, "Not found"), h("p", {}, "There is no such screen. ", h("a", { href: "/app" }, "Back to the overview")));
  } else if (found.opts.admin && !c.adm) {
    document.title = "Admins only · RESTume";
    main.append(h("h1", { tabindex: "-1" }, "Admins only"), h("p", {}, "This screen is for the administrators of this instance."));
  } else {
    document.title = `${found.title} · RESTume`;
    main.append(h("p", { class: "loading", role: "status" }, "Loading…"));
    try {
      const node = await found.view({ params: found.params, navigate, claims: c, after: afterSignIn });
      if (seq !== renderSeq) return;
      clear(main).append(node);
    } catch (err) {
      if (seq !== renderSeq || err.status === 401) return;
      clear(main).append(h("h1", { tabindex: "-1" }, found.title),
        h("p", { class: "status error", role: "alert" }, problemText(err)));
    }
  }
  if (moved) (main.querySelector("h1") || main).focus();
}

// After a sign-in: back to what the owner was doing, or to the overview.
function afterSignIn() {
  const next = sessionStorage.getItem(NEXT);
  sessionStorage.removeItem(NEXT);
  scheduleRefresh();
  navigate(next && next.startsWith("/app") && !next.startsWith("/app/sign") ? next : "/app", true);
}

whenSignedOut(() => {
  const path = location.pathname + location.search;
  if (!path.startsWith("/app/sign")) sessionStorage.setItem(NEXT, path);
  history.replaceState(null, "", "/app/signin");
  render(true);
});

document.addEventListener("click", (ev) => {
  const a = ev.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download") || ev.defaultPrevented || ev.button !== 0
      || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !/^\/app(\/|$)/.test(url.pathname) || url.pathname.startsWith("/app/assets/")) return;
  ev.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
});

window.addEventListener("popstate", () => render(true));
scheduleRefresh();
render(false);
