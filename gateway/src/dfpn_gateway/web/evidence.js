// A request's verdict and evidence, as /v1/public/requests/{address} gives them (chain + committed reports):
// the verdict with its band in the specification's words, each worker's answer, the media with every region,
// each detector's findings, the transactions, the reports with their hashes checked again in this browser, and
// how to verify it all without this page.
import { h, append, clear, table } from "./dom.js";
import { getBlob } from "./api.js";
import { sha256Hex } from "./sha256.js";
import { sniffBytes } from "./sniff.js";
import { SEAT_COLOURS, imageEvidence, videoEvidence, audioEvidence } from "./media.js";
import { band, lamports, sol, short, when } from "./format.js";

/**
 * A section with a heading (for the landmarks screen readers list).
 * @param {string} id
 * @param {string} title
 * @param {...*} children
 * @returns {HTMLElement}
 */
export function section(id, title, ...children) {
  return h("section", { class: "card", "aria-labelledby": `${id}-title`, id },
    h("h2", { id: `${id}-title`, text: title }), children);
}

/**
 * A link to a transaction: the explorer for this network when there is one, else this gateway's JSON view.
 * @param {string|null} signature
 * @param {any} info - /v1/public/info
 * @returns {Node}
 */
export function txLink(signature, info) {
  if (!signature) return document.createTextNode("—");
  const href = info && info.explorer ? info.explorer.replace("{signature}", signature) : `/v1/public/transactions/${signature}`;
  return h("a", { href, class: "mono", title: signature, rel: "noopener noreferrer", text: short(signature, 8) });
}

function hash(value) {
  return h("code", { class: "hash", text: value || "—" });
}

function seatName(seat) {
  return `Seat ${seat.index + 1}`;
}

function verdictSummary(view) {
  if (view.status === "Expired") {
    return h("div", { class: "verdict expired" },
      h("p", { class: "verdict-word", text: "Expired" }),
      h("p", { text: "Too few workers committed an answer before the commit deadline. Nothing was judged; the escrow went back to the client." }));
  }
  const b = view.band || band(view.confidence);
  return h("div", { class: `verdict v-${view.verdict.toLowerCase()}` },
    h("p", { class: "verdict-word", "data-testid": "verdict", text: view.verdict }),
    h("dl", { class: "facts" },
      h("dt", { text: "Confidence" }), h("dd", { "data-testid": "confidence", text: `${view.confidence} / 100` }),
      h("dt", { text: "Band" }), h("dd", { class: `band band-${b.level}`, "data-testid": "band", text: b.label }),
      h("dt", { text: "Consensus" }), h("dd", { "data-testid": "consensus", text: `${view.consensusType} (${view.counts.reveals} of ${view.counts.commits} committed workers revealed)` }),
      h("dt", { text: "Finalized" }), h("dd", { text: when(view.finalizedAt) }),
      h("dt", { text: "Fee charged" }), h("dd", { text: view.chargedLamports === null ? "—" : `${sol(view.chargedLamports)} (${lamports(view.chargedLamports)})` })),
    b.level === "inconclusive" && view.verdict !== "Inconclusive"
      ? h("p", { class: "notice warn", text: "Below 50 the specification says to treat a verdict as inconclusive." }) : null,
    view.challenged ? h("p", { text: `This request was a known-answer challenge; its label: ${view.challengeLabel}.` }) : null);
}

function reportState(seat) {
  const r = seat.report;
  if (!r) return seat.state === "Revealed" ? "—" : `not revealed (${seat.state.toLowerCase()})`;
  return { verified: "✓ matches the committed hash", mismatch: "✗ does NOT match the committed hash", unavailable: "could not be fetched", pending: "pending" }[r.status];
}

function answersTable(view) {
  const rows = view.seats.map((s) => [
    h("span", { class: "swatch", style: null, "data-colour": SEAT_COLOURS[s.index % SEAT_COLOURS.length] }, seatName(s)),
    h("code", { title: s.worker, text: short(s.worker, 6) }),
    s.modelId || (s.model ? short(s.model, 6) : "—"),
    s.verdict || `(${s.state.toLowerCase()})`,
    s.confidence === null ? "—" : String(s.confidence),
    reportState(s),
  ]);
  return table("Each worker's answer", ["Seat", "Worker", "Model", "Answer", "Confidence", "Report"], rows);
}

/**
 * Every detection with a place in the media, per seat, in the drawing's form.
 * @param {any} view
 * @returns {{regions: Array<Object>, spans: Array<Object>, rows: Array<Array<*>>}}
 */
export function collectFindings(view) {
  const regions = [];
  const spans = [];
  const rows = [];
  for (const seat of view.seats) {
    const content = seat.report && seat.report.status === "verified" ? seat.report.content : null;
    if (!content) continue;
    let detections = content.detections;
    if (!detections.length) detections = content.detectors.flatMap((d) => d.detections);
    const colour = SEAT_COLOURS[seat.index % SEAT_COLOURS.length];
    for (const d of detections) {
      const label = `${seat.index + 1}: ${d.type} ${d.confidence.toFixed(2)}`;
      const where = [];
      if (d.region) {
        regions.push({ ...d.region, time: d.time, label, colour });
        where.push(`x=${d.region.x} y=${d.region.y} w=${d.region.w} h=${d.region.h} px`);
      }
      if (d.start !== null && d.end !== null && d.start !== undefined && d.end !== undefined) {
        spans.push({ start: d.start, end: d.end, label, colour });
        where.push(`${d.start.toFixed(2)}-${d.end.toFixed(2)} s`);
      } else if (d.time !== null && d.time !== undefined) {
        where.push(`at ${d.time.toFixed(2)} s`);
      }
      rows.push([seatName(seat), h("code", { title: seat.worker, text: short(seat.worker, 6) }), d.type, d.confidence.toFixed(2), where.join("; ") || "whole media"]);
    }
  }
  return { regions, spans, rows };
}

async function drawMedia(slot, view, localMedia) {
  const { regions, spans } = collectFindings(view);
  let blob = localMedia;
  if (!blob) blob = await getBlob(view.mediaUrl);
  const kind = sniffBytes(new Uint8Array(await blob.slice(0, 64).arrayBuffer()));
  const url = URL.createObjectURL(blob);
  let figure;
  if (kind && kind.kind === "image") figure = await imageEvidence(url, regions);
  else if (kind && kind.kind === "video") figure = await videoEvidence(url, regions);
  else if (kind && kind.kind === "audio") figure = await audioEvidence(blob, spans);
  else figure = h("p", { text: "The media is of a format this page cannot show." });
  clear(slot).append(figure);
  slot.setAttribute("aria-busy", "false");
  return blob;
}

function evidenceSection(view, localMedia, onMedia) {
  const { rows } = collectFindings(view);
  const slot = h("div", { class: "media-slot", "aria-busy": "true" }, h("p", { class: "muted", text: "Loading the media…" }));
  drawMedia(slot, view, localMedia).then(onMedia, (e) => {
    clear(slot).append(h("p", { class: "notice warn", role: "status", text: `The media cannot be shown here: ${e.message}` }));
    slot.setAttribute("aria-busy", "false");
    onMedia(null);
  });
  return section("evidence", "Evidence", slot,
    rows.length ? table("Detections", ["Seat", "Worker", "Type", "Strength", "Where"], rows)
      : h("p", { text: "No verified report lists a detection." }));
}

function findingsSection(view) {
  const blocks = [];
  for (const seat of view.seats) {
    const r = seat.report;
    const title = `${seatName(seat)} · ${seat.modelId || "model ?"} · ${seat.verdict || seat.state}`;
    if (!r || r.status !== "verified") {
      blocks.push(h("details", {}, h("summary", { text: `${title} · report ${r ? r.status : "not revealed"}` }),
        h("p", { text: r && r.message ? r.message : "No verified report to read." })));
      continue;
    }
    const c = r.content;
    const detectorRows = c.detectors.map((d) => [d.modelId, d.verdict, String(d.confidence),
      d.detections.map((x) => `${x.type} ${x.confidence.toFixed(2)}`).join(", ") || "none", d.notes || ""]);
    blocks.push(h("details", { open: true },
      h("summary", { text: `${title} · ${c.detectors.length} detector${c.detectors.length === 1 ? "" : "s"}` }),
      detectorRows.length ? table(`Detectors of seat ${seat.index + 1}`, ["Detector", "Answer", "Confidence", "Detections", "Notes"], detectorRows)
        : h("p", { text: `The report gives one answer (${c.verdict || "?"}, ${c.confidence ?? "?"}) and no per-detector breakdown.` }),
      c.notes ? h("p", { class: "muted", text: `Notes: ${c.notes}` }) : null));
  }
  return section("findings", "Findings per detector", blocks.length ? blocks : h("p", { text: "No worker has revealed yet." }));
}

function auditSection(view, info) {
  const rows = view.timeline.map((e) => [e.event, e.worker ? h("code", { title: e.worker, text: short(e.worker, 6) }) : "—",
    e.time ? when(e.time) : `slot ${e.slot}`, e.detail || "", txLink(e.signature, info)]);
  return section("audit", "Audit trail",
    h("dl", { class: "facts" },
      h("dt", { text: "Request transaction" }), h("dd", { "data-testid": "request-tx" }, txLink(view.audit.requestTx, info)),
      h("dt", { text: "Finalize transaction" }), h("dd", { "data-testid": "finalize-tx" }, txLink(view.audit.finalizeTx, info)),
      h("dt", { text: "Program" }), h("dd", {}, h("code", { class: "hash", text: view.programId })),
      h("dt", { text: "Network" }), h("dd", { text: view.network })),
    table("Program events", ["Event", "Worker", "Time", "Detail", "Transaction"], rows));
}

function hashesSection(view) {
  const media = h("span", { "data-testid": "media-check", text: "checking…" });
  const blocks = [h("h3", { text: "Media" }),
    h("dl", { class: "facts" },
      h("dt", { text: "Storage URI" }), h("dd", {}, h("code", { class: "hash", text: view.storageUri })),
      h("dt", { text: "Content hash on-chain (SHA-256)" }), h("dd", {}, hash(view.contentHash)),
      h("dt", { text: "Checked in this browser" }), h("dd", {}, media))];
  const checks = [];
  for (const seat of view.seats) {
    if (!seat.reportUri) continue;
    const r = seat.report;
    const browser = h("span", { "data-testid": `report-check-${seat.index}`, text: r && r.url ? "checking…" : "nothing to check" });
    if (r && r.url) {
      checks.push(getBlob(r.url).then(sha256Hex).then((digest) => {
        const ok = digest === seat.reportHash;
        browser.textContent = ok ? `✓ SHA-256 ${digest} equals the committed hash` : `✗ SHA-256 ${digest} differs from the committed hash`;
        browser.className = ok ? "ok" : "bad";
      }, (e) => { browser.textContent = `could not check: ${e.message}`; }));
    }
    blocks.push(h("h3", { text: `${seatName(seat)} report` }),
      h("dl", { class: "facts" },
        h("dt", { text: "Report URI (revealed on-chain)" }), h("dd", {}, h("code", { class: "hash", text: seat.reportUri })),
        h("dt", { text: "Report hash committed on-chain" }), h("dd", {}, hash(seat.reportHash)),
        h("dt", { text: "Commitment" }), h("dd", {}, hash(seat.commitment)),
        h("dt", { text: "Gateway's check" }), h("dd", { text: `${reportState(seat)}${r && r.sha256 ? ` (SHA-256 ${r.sha256})` : ""}${r && r.message ? `: ${r.message}` : ""}` }),
        h("dt", { text: "Checked in this browser" }), h("dd", {}, browser),
        r && r.url ? h("dt", { text: "Copy" }) : null,
        r && r.url ? h("dd", {}, h("a", { href: r.url, text: "the report as fetched" })) : null));
  }
  const node = section("hashes", "Reports and hashes",
    h("p", { text: "Every answer was sealed on-chain as a hash before any was revealed; each report must hash to what its worker committed." }), blocks);
  return { node, media, checks };
}

function verifySection(view) {
  const v = view.verify;
  return section("verify-yourself", "How to verify this yourself",
    h("p", { text: v.note }),
    h("h3", { text: "With the dfpn command line (pip install dfpn)" }),
    h("pre", { tabindex: "0", "aria-label": "Shell commands" }, h("code", { "data-testid": "verify-cli", text: v.cli.join("\n") })),
    h("h3", { text: "With the Python SDK" }),
    h("pre", { tabindex: "0", "aria-label": "Python code" }, h("code", { "data-testid": "verify-python", text: v.python })));
}

/**
 * The whole result of a finished request.
 * @param {any} view - /v1/public/requests/{address}
 * @param {{info?: any, localMedia?: Blob|null}} [opts] - the gateway's info; the media when the page has it
 * @returns {HTMLElement}
 */
export function renderResult(view, opts = {}) {
  const info = opts.info || null;
  const permalink = `${location.origin}/r/${view.id}`;
  const hashes = hashesSection(view);
  const onMedia = (blob) => {
    if (!blob) { hashes.media.textContent = "the media could not be read"; return; }
    sha256Hex(blob).then((digest) => {
      const ok = digest === view.contentHash;
      hashes.media.textContent = ok ? `✓ SHA-256 ${digest} equals the content hash` : `✗ SHA-256 ${digest} differs from the content hash`;
      hashes.media.className = ok ? "ok" : "bad";
    });
  };
  const wrap = h("div", { class: "result", "data-request": view.id },
    section("verdict", "Verdict", verdictSummary(view),
      h("p", {}, "Permalink: ", h("a", { href: `/r/${view.id}`, "data-testid": "permalink", text: permalink }))),
    section("answers", "Workers' answers", answersTable(view)),
    view.status === "Finalized" ? evidenceSection(view, opts.localMedia || null, onMedia) : null,
    view.status === "Finalized" ? findingsSection(view) : null,
    auditSection(view, info),
    hashes.node,
    verifySection(view));
  if (view.status !== "Finalized") hashes.media.textContent = "not checked: no verdict, no evidence";
  // Paint the seat swatches (CSSOM, allowed by the page's style policy, unlike style attributes).
  for (const el of wrap.querySelectorAll(".swatch[data-colour]")) el.style.setProperty("--swatch", el.dataset.colour);
  return append(wrap);
}
