// A small Markdown renderer for the blog editor's preview: headings,
// paragraphs, lists, quotes, fenced code, emphasis, inline code and links.
// It builds DOM nodes, never markup, so a post cannot run script here; links
// keep only http(s), mailto and relative addresses.

import { h } from "./dom.js";

function safeHref(url) {
  return /^(https?:|mailto:|\/|#)/i.test(url) ? url : null;
}

// Inline: `code`, **strong**, *em* / _em_, [text](url).
export function inline(text) {
  const out = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*]+\*|_[^_]+_)|(\[[^\]]+\]\([^)\s]+\))/;
  let rest = text;
  while (rest) {
    const m = rest.match(re);
    if (!m) {
      out.push(rest);
      break;
    }
    if (m.index > 0) out.push(rest.slice(0, m.index));
    const t = m[0];
    if (m[1]) out.push(h("code", {}, t.slice(1, -1)));
    else if (m[2]) out.push(h("strong", {}, inline(t.slice(2, -2))));
    else if (m[3]) out.push(h("em", {}, inline(t.slice(1, -1))));
    else {
      const [, label, url] = t.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
      const href = safeHref(url);
      out.push(href ? h("a", { href, rel: "noopener noreferrer", target: "_blank" }, inline(label)) : label);
    }
    rest = rest.slice(m.index + t.length);
  }
  return out;
}

export function render(source) {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^```/.test(line)) {
      const code = [];
      for (i += 1; i < lines.length && !/^```/.test(lines[i]); i += 1) code.push(lines[i]);
      i += 1;
      blocks.push(h("pre", {}, h("code", {}, code.join("\n"))));
    } else if (/^#{1,6}\s/.test(line)) {
      const level = line.match(/^#+/)[0].length;
      blocks.push(h(`h${Math.min(6, level + 1)}`, {}, inline(line.replace(/^#+\s*/, ""))));
      i += 1;
    } else if (/^\s*([-*+]|\d+\.)\s/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items = [];
      while (i < lines.length && /^\s*([-*+]|\d+\.)\s/.test(lines[i])) {
        items.push(h("li", {}, inline(lines[i].replace(/^\s*([-*+]|\d+\.)\s+/, ""))));
        i += 1;
      }
      blocks.push(h(ordered ? "ol" : "ul", {}, items));
    } else if (/^>\s?/.test(line)) {
      const quote = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) quote.push(lines[i++].replace(/^>\s?/, ""));
      blocks.push(h("blockquote", {}, render(quote.join("\n"))));
    } else if (line.trim() === "") {
      i += 1;
    } else {
      const para = [];
      while (i < lines.length && lines[i].trim() !== "" && !/^(```|#{1,6}\s|>|\s*([-*+]|\d+\.)\s)/.test(lines[i])) para.push(lines[i++]);
      blocks.push(h("p", {}, inline(para.join(" "))));
    }
  }
  return blocks;
}
