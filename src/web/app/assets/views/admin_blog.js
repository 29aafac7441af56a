// Admin: blog posts (drafts too), the editor with a live Markdown preview,
// and the import of a Markdown file with front matter.

import { h, heading, clear, table, fmtDate, status, say, problemText } from "../dom.js";
import { api } from "../api.js";
import { form } from "../form.js";
import { render } from "../markdown.js";

export async function list() {
  const posts = await api("GET", "/v1/admin/blog/posts?limit=100");
  const note = status();
  const file = h("input", { type: "file", id: "import-post", accept: ".md,.markdown,text/markdown,text/plain" });
  const go = h("button", { type: "button" }, "Import");
  go.addEventListener("click", async () => {
    const f = file.files[0];
    if (!f) {
      say(note, "Choose a Markdown file first.", "error");
      return;
    }
    go.disabled = true;
    say(note, `Importing ${f.name}…`);
    try {
      const p = await api("POST", "/v1/admin/blog/import", await f.text(), { type: "text/markdown" });
      say(note, `Imported “${p.title}” (${p.status}).`, "ok");
      clear(rows).append(await listing());
    } catch (err) {
      say(note, problemText(err), "error");
    } finally {
      go.disabled = false;
    }
  });
  const listing = async (fresh) => {
    const ps = fresh || (await api("GET", "/v1/admin/blog/posts?limit=100"));
    return table("Posts", [
      { label: "Title", value: (p) => h("a", { href: `/app/admin/blog/${encodeURIComponent(p.slug)}` }, p.title) },
      { label: "Slug", value: (p) => p.slug },
      { label: "Status", value: (p) => p.status },
      { label: "Published", value: (p) => fmtDate(p.published_at) },
      { label: "Updated", value: (p) => fmtDate(p.updated_at) },
    ], ps.items);
  };
  const rows = h("div", {}, await listing(posts));
  return h("section", {}, heading("Blog posts"),
    h("p", {}, h("a", { href: "/app/admin/blog/new", class: "button" }, "Write a new post")),
    h("h2", {}, "Import a Markdown file"),
    h("p", {}, "A front-matter block (title, slug, summary, status) then the body; a post with the same slug is updated."),
    h("div", { class: "field" }, h("label", { for: "import-post" }, "Markdown file"), file), go, note,
    h("h2", {}, "All posts"), rows);
}

export async function edit({ params, navigate }) {
  const isNew = params.slug === "new";
  const post = isNew ? { status: "draft" } : await api("GET", `/v1/admin/blog/posts/${encodeURIComponent(params.slug)}`);
  const preview = h("div", { class: "md-preview", "aria-live": "off" });
  const note = status();
  const f = form({
    id: `post-${params.slug}`,
    submit: isNew ? "Create the post" : "Save the post",
    fields: [
      { name: "title", label: "Title", required: true },
      { name: "slug", label: "Slug", required: true, help: "Lower-case letters, digits and -; the post's address /v1/blog/slug." },
      { name: "summary", label: "Summary", type: "textarea", rows: 2 },
      { name: "body_markdown", label: "Body (Markdown)", type: "textarea", rows: 14 },
      { name: "status", label: "Status", type: "select", options: [["draft", "draft"], ["published", "published"]] },
    ],
    values: post,
    onSubmit: async (v) => {
      const body = { ...v, summary: v.summary || "", body_markdown: v.body_markdown || "" };
      const saved = isNew ? await api("POST", "/v1/admin/blog/posts", body)
        : await api("PUT", `/v1/admin/blog/posts/${encodeURIComponent(params.slug)}`, body);
      if (isNew || saved.slug !== params.slug) navigate(`/app/admin/blog/${encodeURIComponent(saved.slug)}`, true);
      return `Saved (${saved.status}).`;
    },
  });
  const area = f.querySelector('[name="body_markdown"]');
  const draw = () => clear(preview).append(...render(area.value));
  area.addEventListener("input", draw);
  draw();
  const del = isNew ? null : h("button", { type: "button", class: "danger", onclick: async (ev) => {
    if (ev.target.dataset.sure !== "yes") {
      ev.target.dataset.sure = "yes";
      ev.target.textContent = "Really delete? Press again";
      return;
    }
    try {
      await api("DELETE", `/v1/admin/blog/posts/${encodeURIComponent(params.slug)}`);
      navigate("/app/admin/blog");
    } catch (err) {
      say(note, problemText(err), "error");
    }
  } }, "Delete the post");
  return h("section", {}, heading(isNew ? "New post" : `Edit “${post.title}”`),
    h("div", { class: "split" }, f, h("div", {}, h("h2", {}, "Preview"), preview)),
    del, note, h("p", {}, h("a", { href: "/app/admin/blog" }, "All posts")));
}
