// Evidence drawn on the media: regions over an image, key frames of a video with their regions, a waveform of
// audio with the flagged spans. Everything is decoded in the browser (an <img>, a <video> seeked to each time,
// Web Audio's decoder); nothing leaves the page.
import { h } from "./dom.js";

/** Colours of the seats' regions (each with a dark label behind white text). */
export const SEAT_COLOURS = ["#e4002b", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#7a5195", "#b8860b", "#008080", "#c71585", "#4b0082"];

/**
 * Wait for an event (or fail after `ms`).
 * @param {EventTarget} target
 * @param {string} name
 * @param {number} [ms]
 * @returns {Promise<Event>}
 */
function once(target, name, ms = 15000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within ${ms / 1000} s`)), ms);
    target.addEventListener(name, (e) => { clearTimeout(timer); resolve(e); }, { once: true });
    target.addEventListener("error", () => { clearTimeout(timer); reject(new Error("the media could not be decoded")); }, { once: true });
  });
}

/**
 * An SVG overlay drawing `regions` on a width x height pixel grid.
 * @param {number} width
 * @param {number} height
 * @param {Array<{x:number,y:number,w:number,h:number,label:string,colour:string}>} regions
 * @returns {SVGElement}
 */
export function regionOverlay(width, height, regions) {
  const font = Math.max(10, Math.round(Math.max(width, height) / 40));
  const stroke = Math.max(2, Math.round(Math.max(width, height) / 250));
  const svg = h("svg:svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", class: "overlay", "aria-hidden": "true", focusable: "false" });
  for (const r of regions) {
    const g = h("svg:g", { class: "region" });
    g.append(h("svg:rect", { x: r.x, y: r.y, width: Math.max(r.w, 1), height: Math.max(r.h, 1), fill: "none", stroke: r.colour, "stroke-width": stroke }));
    const labelY = r.y >= font + 4 ? r.y - 4 : r.y + r.h + font + 2;
    const approx = r.label.length * font * 0.6 + 6;
    g.append(h("svg:rect", { x: r.x, y: labelY - font, width: approx, height: font + 4, fill: "#111", "fill-opacity": "0.85" }));
    g.append(h("svg:text", { x: r.x + 3, y: labelY, fill: "#fff", "font-size": font, "font-family": "sans-serif", text: r.label }));
    svg.append(g);
  }
  return svg;
}

/**
 * A figure: a picture with regions drawn over it.
 * @param {{src: string, width: number, height: number, regions: Array<Object>, alt: string, caption: string}} opts
 * @returns {HTMLElement}
 */
export function regionFigure(opts) {
  const frame = h("div", { class: "frame" },
    h("img", { src: opts.src, alt: opts.alt, width: opts.width, height: opts.height }),
    regionOverlay(opts.width, opts.height, opts.regions));
  return h("figure", { class: "evidence-figure" }, frame, h("figcaption", { text: opts.caption }));
}

/**
 * An image with every region drawn on it.
 * @param {string} url - the image (a blob: URL or this gateway's media URL)
 * @param {Array<Object>} regions
 * @returns {Promise<HTMLElement>}
 */
export async function imageEvidence(url, regions) {
  const img = new Image();
  img.src = url;
  await img.decode();
  const n = regions.length;
  return regionFigure({
    src: url, width: img.naturalWidth, height: img.naturalHeight, regions,
    alt: `The image, ${img.naturalWidth} by ${img.naturalHeight} pixels, with ${n} detected region${n === 1 ? "" : "s"} outlined`,
    caption: n ? `${n} region${n === 1 ? "" : "s"} found by the workers, outlined in each seat's colour (listed below).` : "No worker reported a region in this image.",
  });
}

/**
 * Key frames of a video with their regions: the times reports give, else frames spread over the clip; regions
 * without a time are drawn on every frame.
 * @param {string} url
 * @param {Array<Object>} regions - with an optional `time` (seconds)
 * @param {number} [count] - frames when no time is given
 * @returns {Promise<HTMLElement>}
 */
export async function videoEvidence(url, regions, count = 4) {
  const video = h("video", { src: url, preload: "auto", muted: true, playsinline: true });
  video.muted = true;
  await once(video, "loadeddata");
  let duration = video.duration;
  if (!Number.isFinite(duration)) duration = 0;
  const given = [...new Set(regions.filter((r) => r.time !== null && r.time !== undefined).map((r) => Math.min(r.time, duration)))];
  const spread = Array.from({ length: count }, (_, i) => duration * (i + 0.5) / count);
  const times = [...new Set([...given, ...spread].map((t) => Math.round(t * 100) / 100))].sort((a, b) => a - b).slice(0, 8);
  const width = video.videoWidth;
  const height = video.videoHeight;
  const figures = [];
  for (const t of times) {
    if (Math.abs(video.currentTime - t) > 0.001) {
      video.currentTime = t;
      await once(video, "seeked");
    }
    const canvas = h("canvas", { width, height });
    canvas.getContext("2d").drawImage(video, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const here = regions.filter((r) => r.time === null || r.time === undefined || Math.abs(r.time - t) < 0.05);
    figures.push(regionFigure({
      src: URL.createObjectURL(blob), width, height, regions: here,
      alt: `Frame at ${t.toFixed(2)} s with ${here.length} region${here.length === 1 ? "" : "s"} outlined`,
      caption: `${t.toFixed(2)} s`,
    }));
  }
  const untimed = regions.some((r) => r.time === null || r.time === undefined);
  return h("div", { class: "frames" },
    h("p", { text: `Key frames of the ${duration.toFixed(1)} s clip (${width}x${height}).` + (untimed ? " Regions reported without a time are drawn on every frame." : "") }),
    h("div", { class: "frame-grid" }, figures));
}

/**
 * A waveform of the audio with each flagged span shaded (detections with `start`/`end` seconds, or a `time`).
 * @param {Blob} blob
 * @param {Array<{start:number,end:number,label:string,colour:string}>} spans
 * @returns {Promise<HTMLElement>}
 */
export async function audioEvidence(blob, spans) {
  const context = new OfflineAudioContext(1, 1, 44100);
  const audio = await context.decodeAudioData(await blob.arrayBuffer());
  const samples = audio.getChannelData(0);
  const W = 800;
  const H = 160;
  const per = Math.max(1, Math.floor(samples.length / W));
  let path = "";
  for (let x = 0; x < W; x++) {
    let lo = 1;
    let hi = -1;
    for (let i = x * per; i < Math.min(samples.length, (x + 1) * per); i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi < lo) { lo = 0; hi = 0; }
    path += `M${x} ${(H / 2 - hi * (H / 2 - 4)).toFixed(1)}V${(H / 2 - lo * (H / 2 - 4) + 0.5).toFixed(1)}`;
  }
  const d = audio.duration;
  const svg = h("svg:svg", { viewBox: `0 0 ${W} ${H + 20}`, class: "waveform", role: "img", "aria-labelledby": "wave-title" },
    h("svg:title", { id: "wave-title", text: `Waveform of the ${d.toFixed(1)} s audio with ${spans.length} flagged span${spans.length === 1 ? "" : "s"}` }));
  for (const s of spans) {
    const x0 = (Math.min(s.start, d) / d) * W;
    const x1 = (Math.min(Math.max(s.end, s.start + d / W), d) / d) * W;
    svg.append(h("svg:rect", { x: x0, y: 0, width: Math.max(x1 - x0, 2), height: H, fill: s.colour, "fill-opacity": "0.3", stroke: s.colour, class: "span" }));
  }
  svg.append(h("svg:path", { d: path, stroke: "#1f2937", "stroke-width": 1, fill: "none" }));
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const x = (i / ticks) * W;
    svg.append(h("svg:text", { x: Math.min(Math.max(x, 12), W - 12), y: H + 15, "text-anchor": "middle", "font-size": 11, fill: "#1f2937", text: `${(d * i / ticks).toFixed(1)} s` }));
  }
  return h("figure", { class: "evidence-figure" }, svg,
    h("figcaption", { text: spans.length ? `${spans.length} flagged span${spans.length === 1 ? "" : "s"} shaded in each seat's colour (listed below).` : "No worker reported a time span in this audio: its findings concern the whole clip." }));
}
