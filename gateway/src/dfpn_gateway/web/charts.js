// Small SVG charts for the dashboard (no library): a line chart and a bar chart, each with a title and a
// description for screen readers, and the numbers in a table beside it.
import { h } from "./dom.js";

const W = 640;
const H = 220;
const PAD = { left: 52, right: 12, top: 12, bottom: 36 };

function scale(domain, range) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v);
}

function frame(id, title, description) {
  return h("svg:svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-labelledby": `${id}-t ${id}-d` },
    h("svg:title", { id: `${id}-t`, text: title }), h("svg:desc", { id: `${id}-d`, text: description }));
}

function axes(svg, x, y, yMax, labels, yUnit) {
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const yy = y(v);
    svg.append(h("svg:line", { x1: PAD.left, x2: W - PAD.right, y1: yy, y2: yy, stroke: "#d1d5db", "stroke-width": 1 }));
    svg.append(h("svg:text", { x: PAD.left - 6, y: yy + 4, "text-anchor": "end", "font-size": 11, fill: "#374151", text: `${Number(v.toFixed(2))}${yUnit}` }));
  }
  const step = Math.max(1, Math.ceil(labels.length / 6));
  labels.forEach((label, i) => {
    if (i % step) return;
    svg.append(h("svg:text", { x: x(i), y: H - PAD.bottom + 16, "text-anchor": "middle", "font-size": 11, fill: "#374151", text: label }));
  });
}

/**
 * A line chart of several series over the same labels (null values leave a gap).
 * @param {{id: string, title: string, description: string, labels: string[],
 *          series: Array<{name: string, colour: string, values: Array<number|null>}>, unit?: string}} opts
 * @returns {HTMLElement} a figure
 */
export function lineChart(opts) {
  const svg = frame(opts.id, opts.title, opts.description);
  const all = opts.series.flatMap((s) => s.values).filter((v) => v !== null);
  const yMax = niceMax(Math.max(0, ...all));
  const n = Math.max(opts.labels.length, 1);
  const x = scale([0, Math.max(n - 1, 1)], [PAD.left + 8, W - PAD.right - 8]);
  const y = scale([0, yMax], [H - PAD.bottom, PAD.top]);
  axes(svg, x, y, yMax, opts.labels, opts.unit || "");
  for (const s of opts.series) {
    let d = "";
    s.values.forEach((v, i) => {
      if (v === null) return;
      const prev = i > 0 ? s.values[i - 1] : null;
      d += `${prev === null ? "M" : "L"}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
      svg.append(h("svg:circle", { cx: x(i), cy: y(v), r: 3, fill: s.colour }));
    });
    svg.append(h("svg:path", { d, stroke: s.colour, "stroke-width": 2, fill: "none" }));
  }
  return h("figure", { class: "chart-figure" }, svg,
    h("figcaption", {}, opts.title, " — ", opts.series.map((s, i) => h("span", { class: "legend" },
      i ? ", " : "", h("span", { class: "legend-key", "data-colour": s.colour, "aria-hidden": "true" }), ` ${s.name}`))));
}

/**
 * A bar chart (stacked series).
 * @param {{id: string, title: string, description: string, labels: string[],
 *          series: Array<{name: string, colour: string, values: number[]}>}} opts
 * @returns {HTMLElement} a figure
 */
export function barChart(opts) {
  const svg = frame(opts.id, opts.title, opts.description);
  const n = Math.max(opts.labels.length, 1);
  const totals = opts.labels.map((_, i) => opts.series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const yMax = niceMax(Math.max(0, ...totals));
  const band = (W - PAD.left - PAD.right) / n;
  const x = (i) => PAD.left + band * (i + 0.5);
  const y = scale([0, yMax], [H - PAD.bottom, PAD.top]);
  axes(svg, x, y, yMax, opts.labels, "");
  opts.labels.forEach((_, i) => {
    let base = 0;
    for (const s of opts.series) {
      const v = s.values[i] || 0;
      if (!v) continue;
      svg.append(h("svg:rect", { x: x(i) - band * 0.35, width: band * 0.7, y: y(base + v), height: y(base) - y(base + v), fill: s.colour }));
      base += v;
    }
  });
  return h("figure", { class: "chart-figure" }, svg,
    h("figcaption", {}, opts.title, " — ", opts.series.map((s, i) => h("span", { class: "legend" },
      i ? ", " : "", h("span", { class: "legend-key", "data-colour": s.colour, "aria-hidden": "true" }), ` ${s.name}`))));
}
