// Insights (top and unanswered questions, referrers, recruiter exposures)
// with their CSV/JSON export, and the visitors' chat transcripts. Both are
// Pro features: on another plan the screen says so instead of breaking.

import { h, heading, table, fmtDate, actionButton } from "../dom.js";
import { api, download } from "../api.js";

function gate(err, what) {
  if (err.problem && err.problem.code === "plan_required") {
    return h("div", { class: "gate", role: "note" },
      h("p", {}, `${what} need the ${err.problem.required_plan} plan; you are on another plan.`),
      h("p", {}, h("a", { href: "/app/plan" }, "How to get Pro on this instance")));
  }
  throw err;
}

export async function view() {
  let ins;
  try {
    ins = await api("GET", "/v1/me/insights");
  } catch (err) {
    return h("section", {}, heading("Insights"), gate(err, "Insights"));
  }
  const refs = (list) => list.map((r) => ({ host: r.host ?? r[0], count: r.count ?? r[1] }));
  return h("section", {},
    heading("Insights"),
    h("p", {}, `From ${ins.since} to ${ins.until}: ${ins.asks} questions asked, ${ins.mcp_exposures} recruiter (MCP) exposures.`),
    h("p", {},
      actionButton("Export as CSV", "Preparing…", async () => `Downloaded ${await download("/v1/me/insights/export?format=csv", "insights.csv")}.`),
      " ",
      actionButton("Export as JSON", "Preparing…", async () => `Downloaded ${await download("/v1/me/insights/export?format=json", "insights.json")}.`)),
    table("Top questions", [{ label: "Question", value: (q) => q.question }, { label: "Times", value: (q) => String(q.count) }],
      ins.top_questions),
    table("Unanswered questions", [{ label: "Question", value: (q) => q.question ?? q.normalised },
      { label: "Times", value: (q) => String(q.count ?? "") }], ins.unanswered_questions || []),
    table("Referrers of page views", [{ label: "Host", value: (r) => r.host }, { label: "Views", value: (r) => String(r.count) }],
      refs(ins.referrers.views || [])),
    table("Referrers of questions", [{ label: "Host", value: (r) => r.host }, { label: "Asks", value: (r) => String(r.count) }],
      refs(ins.referrers.asks || [])));
}

export async function transcripts() {
  let page;
  const offset = Number(new URLSearchParams(location.search).get("offset")) || 0;
  try {
    page = await api("GET", `/v1/me/transcripts?limit=20&offset=${offset}`);
  } catch (err) {
    return h("section", {}, heading("Transcripts"), gate(err, "Transcripts"));
  }
  const visitor = (v) => (v ? [v.name, v.company, v.email].filter(Boolean).join(", ") : "anonymous");
  return h("section", {},
    heading("Transcripts"),
    h("p", {}, `${page.total} conversations with visitors of your page.`),
    table("Conversations", [
      { label: "Started", value: (t) => h("a", { href: `/app/transcripts/${t.id}` }, fmtDate(t.created_at)) },
      { label: "Visitor", value: (t) => visitor(t.visitor) },
      { label: "First message", value: (t) => t.first_message },
      { label: "Messages", value: (t) => String(t.message_count) },
    ], page.items),
    h("p", { class: "pager" },
      offset > 0 ? h("a", { href: `/app/transcripts?offset=${Math.max(0, offset - 20)}` }, "Newer") : null, " ",
      offset + page.items.length < page.total ? h("a", { href: `/app/transcripts?offset=${offset + 20}` }, "Older") : null));
}

export async function transcript({ params, navigate }) {
  let t;
  try {
    t = await api("GET", `/v1/me/transcripts/${encodeURIComponent(params.id)}`);
  } catch (err) {
    return h("section", {}, heading("Transcript"), gate(err, "Transcripts"));
  }
  const v = t.visitor;
  return h("section", {},
    heading("Transcript"),
    h("p", {}, `Visitor: ${v ? [v.name, v.company, v.email].filter(Boolean).join(", ") : "anonymous"}; started ${fmtDate(t.created_at)}.`),
    h("ol", { class: "chat" }, t.messages.map((m) => h("li", {},
      h("p", { class: "q" }, h("strong", {}, "Visitor: "), m.message),
      h("p", { class: "a" }, h("strong", {}, "Answer: "), m.reply ? m.reply.answer : "", " ",
        h("small", {}, `(${m.answer_status}, ${fmtDate(m.created_at)})`))))),
    h("p", {}, actionButton("Delete this transcript", "Deleting…", async () => {
      await api("DELETE", `/v1/me/transcripts/${encodeURIComponent(params.id)}`);
      navigate("/app/transcripts");
    }, { class: "danger" }), " ", h("a", { href: "/app/transcripts" }, "All transcripts")));
}
