// The network's dashboard (/network): workers (stake, reputation, challenge accuracy, uptime), recent verdicts,
// fees paid out by recipient, request latency and volume over time. Read from /v1/public/network (the program's
// accounts), refreshed every 30 s.
import { h, clear, errorBox, table } from "./dom.js";
import { explain, getJSON } from "./api.js";
import { barChart, lineChart } from "./charts.js";
import { clock, duration, lamports, percent, short, sol, when } from "./format.js";

const REFRESH_MS = 30000;

function paintKeys(root) {
  for (const el of root.querySelectorAll("[data-colour]")) el.style.setProperty("--swatch", el.dataset.colour);
}

function bucketLabel(start, width) {
  const d = new Date(start * 1000);
  if (width >= 86400) return d.toLocaleDateString("en-GB", { month: "short", day: "numeric" });
  return clock(start).slice(0, 5);
}

/**
 * The dashboard's content for one reading of /v1/public/network.
 * @param {any} view
 * @returns {HTMLElement[]}
 */
export function dashboard(view) {
  const r = view.requests;
  const summary = h("dl", { class: "stats" },
    h("div", {}, h("dt", { text: "Requests" }), h("dd", { "data-testid": "requests-total", text: String(r.total) })),
    h("div", {}, h("dt", { text: "Finalized" }), h("dd", { text: String(r.finalized) })),
    h("div", {}, h("dt", { text: "Open" }), h("dd", { text: String(r.open) })),
    h("div", {}, h("dt", { text: "Expired" }), h("dd", { text: String(r.expired) })),
    h("div", {}, h("dt", { text: "Workers" }), h("dd", { "data-testid": "workers-total", text: String(view.workers.length) })),
    h("div", {}, h("dt", { text: "Fees paid out" }), h("dd", { text: sol(view.feesTotal) })));
  const workerRows = view.workers.map((w) => [
    h("code", { title: w.authority, text: short(w.authority, 6) }),
    sol(w.stake),
    `${(w.reputation / 100).toFixed(1)} %`,
    w.challenges.total ? `${percent(w.challenges.accuracy)} (${w.challenges.correct} of ${w.challenges.total})` : "no challenges yet",
    w.uptime === null ? "no seats yet" : `${percent(w.uptime)} (${w.seatsAnswered} of ${w.seatsHeld} seats)`,
    String(w.jobsDone),
    w.slashedTotal ? lamports(w.slashedTotal) : "0",
    w.models.join(", "),
    w.unbonding ? "unbonding" : "active",
  ]);
  const recentRows = view.recent.map((v) => [
    h("a", { href: `/r/${v.id}`, title: v.id, text: short(v.id, 6) }),
    when(v.finalizedAt || v.createdAt),
    v.status === "Finalized" ? v.verdict : "Expired",
    v.confidence === null ? "—" : `${v.confidence} (${v.band.label})`,
    v.consensusType || "—",
    v.modalities.join(", "),
  ]);
  const feeRows = view.fees.map((f) => [f.label, f.address ? h("code", { title: f.address, text: short(f.address, 6) }) : "—", sol(f.lamports), lamports(f.lamports), String(f.requests)]);
  const labels = view.series.map((b) => bucketLabel(b.start, view.bucketSeconds));
  const latency = lineChart({
    id: "latency", title: "Request latency (submission to finalization)", unit: " s",
    description: `Median and 95th percentile seconds per ${duration(view.bucketSeconds)} bucket, from the requests' on-chain times.`,
    labels,
    series: [
      { name: "median", colour: "#0072b2", values: view.series.map((b) => b.latencyP50) },
      { name: "95th percentile", colour: "#d55e00", values: view.series.map((b) => b.latencyP95) },
    ],
  });
  const volume = barChart({
    id: "volume", title: "Requests submitted", description: `Requests submitted per ${duration(view.bucketSeconds)} bucket.`,
    labels, series: [{ name: "submitted", colour: "#009e73", values: view.series.map((b) => b.submitted) }],
  });
  const seriesRows = view.series.map((b, i) => [labels[i], String(b.submitted), String(b.finalized), String(b.expired),
    b.latencyP50 === null ? "—" : duration(b.latencyP50), b.latencyP95 === null ? "—" : duration(b.latencyP95)]);
  const nodes = [
    h("section", { class: "card", "aria-labelledby": "summary-title" }, h("h2", { id: "summary-title", text: "At a glance" }), summary,
      view.truncated ? h("p", { class: "notice warn", text: `Only the newest ${view.scanned} requests are counted.` }) : null,
      h("p", { class: "muted", text: `Read from the chain (${view.network}) at ${when(view.now)}.` })),
    h("section", { class: "card", "aria-labelledby": "workers-title" }, h("h2", { id: "workers-title", text: "Workers" }),
      view.workers.length ? table("Workers", ["Worker", "Stake", "Reputation", "Challenge accuracy", "Uptime (seats answered)", "Jobs", "Slashed", "Models", "State"], workerRows)
        : h("p", { text: "No worker is registered yet." }),
      h("p", { class: "muted", text: "Reputation moves with known-answer challenges above all. Uptime: of the seats a worker held in finished requests still on-chain, the share it committed an answer for." })),
    h("section", { class: "card", "aria-labelledby": "recent-title" }, h("h2", { id: "recent-title", text: "Recent verdicts" }),
      recentRows.length ? table("Recent verdicts", ["Request", "Time", "Verdict", "Confidence", "Consensus", "Checked for"], recentRows)
        : h("p", { text: "No request has finished yet." })),
    h("section", { class: "card", "aria-labelledby": "fees-title" }, h("h2", { id: "fees-title", text: "Fees paid out, by recipient" }),
      feeRows.length ? table("Fees paid out", ["Recipient", "Address", "SOL", "Lamports", "Requests"], feeRows)
        : h("p", { text: "No fee has been paid out yet." }),
      h("p", { class: "muted", text: "Each finalized fee: 65 % to the paid workers, 20 % to their models, 10 % treasury, 5 % and rounding to insurance." })),
    h("section", { class: "card", "aria-labelledby": "charts-title" }, h("h2", { id: "charts-title", text: "Latency and volume" }),
      view.series.length ? [latency, volume,
        h("details", {}, h("summary", { text: "The numbers" }),
          table("Latency and volume per period", ["From", "Submitted", "Finalized", "Expired", "Median latency", "95th percentile"], seriesRows))]
        : h("p", { text: "No request yet." })),
  ];
  nodes.forEach(paintKeys);
  return nodes;
}

/**
 * Render the dashboard into `main` and keep it fresh.
 * @param {HTMLElement} main
 * @param {any} info
 * @returns {Promise<void>}
 */
export async function renderNetwork(main, info) {
  document.title = "Network — DFPN";
  const body = h("div", { id: "network", "aria-live": "off" }, h("p", { class: "muted", role: "status", text: "Reading the network from the chain…" }));
  const refresh = h("button", { type: "button", id: "refresh", text: "Refresh" });
  clear(main).append(h("h1", { text: "The network" }),
    h("p", { class: "lead", text: `Workers, verdicts and fees on ${info.network}, from the program's accounts.` }), refresh, body);
  let timer = 0;
  const load = async () => {
    clearTimeout(timer);
    try {
      const view = await getJSON("/v1/public/network");
      clear(body).append(...dashboard(view));
    } catch (e) {
      const { title, detail } = explain(e);
      clear(body).append(errorBox(`The dashboard is not available: ${title}`, detail));
    }
    if (document.body.contains(body)) timer = setTimeout(load, REFRESH_MS);
  };
  refresh.addEventListener("click", load);
  await load();
}
