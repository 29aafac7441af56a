// A bar chart per day, drawn as SVG: each bar has a tooltip (<title>, and a
// text line on focus or hover), and the same numbers are in a table beside it.

import { h, svg } from "./dom.js";

export function barChart(label, days, values) {
  const W = 640, H = 180, PAD = 28;
  const max = Math.max(1, ...values);
  const bw = (W - PAD) / values.length;
  const tip = h("p", { class: "tip", "aria-live": "polite" }, "\u00a0");
  const bars = values.map((v, i) => {
    const bh = ((H - PAD) * v) / max;
    const text = `${days[i]}: ${v} ${label.toLowerCase()}`;
    const bar = svg("rect", { x: PAD + i * bw + 1, y: H - PAD - bh, width: Math.max(1, bw - 2), height: Math.max(bh, 0.5),
      class: "bar", tabindex: values.length <= 31 ? "0" : null, role: "img", "aria-label": text },
    svg("title", {}, text));
    const show = () => { tip.textContent = text; };
    bar.addEventListener("mouseenter", show);
    bar.addEventListener("focus", show);
    return bar;
  });
  const axis = [
    svg("line", { x1: PAD, y1: H - PAD, x2: W, y2: H - PAD, class: "axis" }),
    svg("text", { x: PAD - 4, y: 12, class: "tick", "text-anchor": "end" }, String(max)),
    svg("text", { x: PAD - 4, y: H - PAD, class: "tick", "text-anchor": "end" }, "0"),
    svg("text", { x: PAD, y: H - 8, class: "tick" }, days[0]),
    svg("text", { x: W, y: H - 8, class: "tick", "text-anchor": "end" }, days[days.length - 1]),
  ];
  return h("figure", { class: "chart" },
    h("figcaption", {}, `${label}: ${values.reduce((a, b) => a + b, 0)} in ${days.length} days`),
    svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "group", "aria-label": `${label} per day` }, axis, bars),
    tip);
}
