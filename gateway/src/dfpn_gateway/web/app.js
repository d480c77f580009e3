// The page's entry: picks the view from the path (/ verify, /r/{address} permalink, /network dashboard), and shows
// any failure as a message instead of a blank page.
import { h, clear, errorBox } from "./dom.js";
import { explain, getJSON } from "./api.js";
import { renderVerify } from "./verify.js";
import { renderPermalink } from "./permalink.js";
import { renderNetwork } from "./network.js";

const main = document.getElementById("main");

/**
 * Show an unexpected failure in the page (never a blank screen or a stack trace).
 * @param {unknown} error
 */
export function showFailure(error) {
  const { title, detail } = explain(error);
  const box = document.getElementById("page-error") || h("div", { id: "page-error" });
  clear(box).append(errorBox(title, detail));
  if (!box.isConnected) main.prepend(box);
}

window.addEventListener("error", (e) => showFailure(e.error || e.message));
window.addEventListener("unhandledrejection", (e) => showFailure(e.reason));

function markNav(path) {
  for (const a of document.querySelectorAll("nav a")) {
    const here = a.getAttribute("href") === path;
    if (here) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

/**
 * Route by `location.pathname`.
 * @returns {Promise<void>}
 */
export async function start() {
  let info;
  try {
    info = await getJSON("/v1/public/info");
  } catch (e) {
    const { title, detail } = explain(e);
    clear(main).append(h("h1", { text: "DFPN" }), errorBox(`This gateway cannot be read: ${title}`, detail));
    return;
  }
  document.getElementById("network-name").textContent = info.network;
  const path = location.pathname;
  const permalink = path.match(/^\/r\/([^/]+)\/?$/);
  if (permalink) {
    markNav("");
    await renderPermalink(main, info, decodeURIComponent(permalink[1]));
  } else if (path === "/network") {
    markNav("/network");
    await renderNetwork(main, info);
  } else {
    markNav("/");
    renderVerify(main, info);
  }
}

start().catch(showFailure);
