// A request's public page (/r/{address}): no key; everything from /v1/public/requests/{address}, i.e. the chain
// and the committed reports. An open request is followed live until it ends.
import { h, clear, announce, errorBox } from "./dom.js";
import { ApiProblem, explain, getJSON } from "./api.js";
import { renderPhases } from "./phases.js";
import { renderResult } from "./evidence.js";

/**
 * Render the permalink page of `address` into `main`.
 * @param {HTMLElement} main
 * @param {any} info - /v1/public/info
 * @param {string} address - the request's address, from the URL
 * @returns {Promise<void>}
 */
export async function renderPermalink(main, info, address) {
  document.title = `Request ${address.slice(0, 8)}… — DFPN`;
  const status = h("div", { id: "permalink-status" }, h("p", { class: "muted", role: "status", text: "Reading the request from the chain…" }));
  clear(main).append(
    h("h1", { text: "Verification record" }),
    h("p", { class: "lead" }, "Request ", h("code", { class: "hash", "data-testid": "address", text: address }), ` on ${info.network}.`),
    h("p", { class: "muted", text: "Everything below is read from the program's accounts and transactions and from the reports the workers committed to by hash; this gateway cannot change any of it." }),
    status);
  const seen = new Map();
  const start = performance.now();
  let failures = 0;
  for (;;) {
    let view;
    try {
      view = await getJSON(`/v1/public/requests/${encodeURIComponent(address)}`);
      failures = 0;
    } catch (e) {
      if (e instanceof ApiProblem && e.code === "INVALID_ARGUMENT") {
        clear(status).append(errorBox("This is not a request address", `“${address}” is not a base58 address. Check the link.`));
        return;
      }
      if (e instanceof ApiProblem && (e.code === "REQUEST_NOT_FOUND" || e.status === 404)) {
        clear(status).append(errorBox(`No request ${address} on this network`,
          `Nothing was found at this address on ${info.network}: the link may be for another network, mistyped, or the request's account was closed.`));
        return;
      }
      failures += 1;
      if (failures >= 5) {
        const { title, detail } = explain(e);
        clear(status).append(errorBox(title, detail));
        return;
      }
      await new Promise((r) => setTimeout(r, 1000 * failures));
      continue;
    }
    if (view.status === "Open") {
      clear(status).append(h("section", { class: "card", "aria-labelledby": "open-title" },
        h("h2", { id: "open-title", text: "Not finished yet" }),
        h("p", { text: "The workers are still answering. This page follows the request until its verdict is final." }),
        renderPhases(view, seen, start)));
      await new Promise((r) => setTimeout(r, 2000));
      continue;
    }
    clear(status).append(renderResult(view, { info }));
    announce(view.status === "Finalized" ? `Verdict ${view.verdict}, confidence ${view.confidence}` : "This request expired");
    return;
  }
}
