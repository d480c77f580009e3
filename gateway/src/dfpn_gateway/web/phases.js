// A request's phases as the chain shows them: submitted, seats drawn, accepted, commits, reveals, finalized;
// each with the time this page first saw it done and the time (or slot) the chain gives.
import { h } from "./dom.js";
import { clock } from "./format.js";

/**
 * The phases of a public request view.
 * @param {any} view - /v1/public/requests/{address}
 * @returns {Array<{key: string, label: string, detail: string, done: boolean, failed?: boolean, chain: string}>}
 */
export function phaseSteps(view) {
  const c = view.counts;
  const finalized = view.status === "Finalized";
  const expired = view.status === "Expired";
  const pastCommit = ["revealing", "finalizing", "finalized"].includes(view.phase);
  const last = (events) => {
    const found = view.timeline.filter((e) => events.includes(e.event));
    if (!found.length) return "";
    const e = found[found.length - 1];
    return e.time ? `on-chain ${clock(e.time)}` : `slot ${e.slot}`;
  };
  const drawnAt = view.seats.length ? Math.max(...view.seats.map((s) => s.drawnAt)) : 0;
  return [
    { key: "submitted", label: "Submitted", done: true, chain: `on-chain ${clock(view.createdAt)}`,
      detail: `${view.modalities.join(", ")}; ${view.minWorkers} worker${view.minWorkers === 1 ? "" : "s"} needed` },
    { key: "drawn", label: "Seats drawn", done: c.drawn >= view.minWorkers || finalized,
      chain: drawnAt ? `on-chain ${clock(drawnAt)}` : "",
      detail: `${c.drawn} of ${view.maxWorkers} seats drawn at random from the staked workers` },
    { key: "accepted", label: "Seats accepted", done: c.accepted >= view.minWorkers || finalized,
      chain: last(["WorkerJoined"]), detail: `${c.accepted} of ${c.drawn} drawn workers accepted (bond locked)` },
    { key: "commits", label: "Commits", done: pastCommit, failed: expired,
      chain: last(["ResultCommitted"]),
      detail: `${c.commits} sealed answer${c.commits === 1 ? "" : "s"}, ${view.minWorkers} needed by ${clock(view.commitDeadline)}` },
    { key: "reveals", label: "Reveals", done: finalized || (pastCommit && c.commits > 0 && c.reveals === c.commits),
      chain: last(["ResultRevealed"]), detail: `${c.reveals} of ${c.commits} answers opened (checked against their commitments)` },
    { key: "finalized", label: expired ? "Expired" : "Finalized", done: finalized, failed: expired,
      chain: view.finalizedAt ? `on-chain ${clock(view.finalizedAt)}` : "",
      detail: finalized ? `${view.verdict}, confidence ${view.confidence}, consensus ${view.consensusType}`
        : expired ? "too few workers committed by the commit deadline: the escrow went back to the client"
          : "when every committed worker has revealed (or at the deadline)" },
  ];
}

/**
 * The phase list. `seen` maps a phase key to the `performance.now()` when this page first saw it done, and is
 * updated here; `start` is when the page began following (the submission).
 * @param {any} view
 * @param {Map<string, number>} seen
 * @param {number} start
 * @returns {HTMLElement}
 */
export function renderPhases(view, seen, start) {
  const steps = phaseSteps(view);
  const active = steps.findIndex((s) => !s.done);
  const list = h("ol", { class: "phases", "aria-label": "Phases of the request" });
  steps.forEach((step, i) => {
    if (step.done && !seen.has(step.key)) seen.set(step.key, performance.now());
    const state = step.failed ? "failed" : step.done ? "done" : i === active ? "active" : "pending";
    const word = { failed: "Failed", done: "Done", active: "In progress", pending: "Waiting" }[state];
    const at = seen.get(step.key);
    const time = at !== undefined ? `seen +${((at - start) / 1000).toFixed(1)} s` : "";
    list.append(h("li", { class: `phase ${state}`, "data-phase": step.key, "aria-current": i === active ? "step" : null },
      h("span", { class: "phase-mark", "aria-hidden": "true", text: { failed: "✗", done: "✓", active: "…", pending: "○" }[state] }),
      h("span", { class: "phase-body" },
        h("strong", { text: `${step.label}: ` }), h("span", { class: "phase-state", text: word }),
        h("span", { class: "phase-detail", text: step.detail }),
        h("span", { class: "phase-time", text: [time, step.chain].filter(Boolean).join(" · ") }))));
  });
  return list;
}
