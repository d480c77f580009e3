// The verify page: an API key, a file (dropped or picked) or a URL, the fee estimate, the upload's progress, the
// request's phases live, then the verdict and its evidence.
import { h, clear, announce, errorBox } from "./dom.js";
import { ApiProblem, explain, getJSON, submitUpload, submitUri } from "./api.js";
import { sniffFile } from "./sniff.js";
import { MODALITIES_BY_KIND, MODALITY_NAMES, lamports, size, sol } from "./format.js";
import { renderPhases } from "./phases.js";
import { renderResult } from "./evidence.js";

const KEY_STORE = "dfpn-api-key";
const POLL_MS = 1000;

/**
 * The stored API key (this tab, or this device when the user asked to remember it).
 * @returns {string}
 */
function storedKey() {
  return sessionStorage.getItem(KEY_STORE) || localStorage.getItem(KEY_STORE) || "";
}

function keepKey(key, remember) {
  sessionStorage.setItem(KEY_STORE, key);
  if (remember) localStorage.setItem(KEY_STORE, key);
  else localStorage.removeItem(KEY_STORE);
}

/**
 * Render the verify page into `main`.
 * @param {HTMLElement} main
 * @param {any} info - /v1/public/info
 */
export function renderVerify(main, info) {
  document.title = "Verify media — DFPN";
  const state = { file: null, kind: null, mode: "file", feeTimer: 0, following: null };

  const keyInput = h("input", { id: "api-key", type: "password", autocomplete: "off", spellcheck: "false", value: storedKey(), "aria-describedby": "api-key-help", required: true });
  const remember = h("input", { id: "remember-key", type: "checkbox", checked: !!localStorage.getItem(KEY_STORE) });
  const fileInput = h("input", { id: "media-file", type: "file", accept: "image/*,video/*,audio/*", "aria-describedby": "media-help" });
  const fileInfo = h("p", { id: "file-info", class: "muted", "aria-live": "polite" });
  const drop = h("div", { class: "drop", id: "drop-zone" },
    h("label", { for: "media-file", class: "drop-label" }, h("strong", { text: "Drop an image, video or audio file here" }), " or choose one:"),
    fileInput, fileInfo);
  const urlInput = h("input", { id: "media-url", type: "url", inputmode: "url", placeholder: "ipfs://… or https://…", "aria-describedby": "url-help" });
  const hashInput = h("input", { id: "media-hash", type: "text", spellcheck: "false", pattern: "[0-9a-fA-F]{64}", "aria-describedby": "hash-help" });
  const modalityBox = h("fieldset", { class: "modalities" }, h("legend", { text: "What to check" }));
  const minWorkers = h("input", { id: "min-workers", type: "number", min: "1", max: "10", value: String(info.defaultMinWorkers || 3) });
  const fee = h("p", { id: "fee", "aria-live": "polite", text: "Choose media to see the fee." });
  const messages = h("div", { id: "messages" });
  const submit = h("button", { type: "submit", id: "verify-button", class: "primary", text: "Verify" });
  const progress = h("progress", { id: "upload-progress", max: "100", value: "0", "aria-labelledby": "upload-label" });
  const progressText = h("span", { id: "upload-text", text: "" });
  const uploadRow = h("div", { class: "upload hidden" }, h("span", { id: "upload-label", text: "Upload " }), progress, " ", progressText);
  const live = h("section", { class: "card hidden", id: "live", "aria-labelledby": "live-title" },
    h("h2", { id: "live-title", text: "Verification in progress" }), h("p", { id: "request-id", class: "muted" }), h("div", { id: "phases" }));
  const result = h("div", { id: "result" });

  const allowedFor = (kind) => (kind ? MODALITIES_BY_KIND[kind].allowed : Object.keys(MODALITY_NAMES));
  const defaultsFor = (kind) => (kind ? MODALITIES_BY_KIND[kind].defaults : ["ImageAuthenticity"]);
  function drawModalities(kind) {
    clear(modalityBox).append(h("legend", { text: "What to check" }));
    const defaults = defaultsFor(kind);
    for (const m of allowedFor(kind)) {
      const id = `modality-${m}`;
      modalityBox.append(h("div", { class: "check" },
        h("input", { type: "checkbox", id, name: "modalities", value: m, checked: defaults.includes(m), onchange: scheduleFee }),
        h("label", { for: id, text: MODALITY_NAMES[m] })));
    }
  }
  const chosen = () => [...modalityBox.querySelectorAll("input:checked")].map((i) => i.value);

  function showError(title, detail) {
    clear(messages).append(errorBox(title, detail));
    messages.querySelector("[role=alert]").scrollIntoView({ block: "nearest" });
  }
  function showProblem(error) {
    const { title, detail } = explain(error);
    showError(title, detail);
  }

  async function takeFile(file) {
    clear(messages);
    state.file = null;
    state.kind = null;
    if (!file) { fileInfo.textContent = ""; return; }
    const kind = await sniffFile(file);
    if (!kind) {
      fileInfo.textContent = "";
      fileInput.value = "";
      showError(`“${file.name}” cannot be checked: it is not a supported image, video or audio file`,
        `Accepted: ${Object.entries(info.formats).map(([k, v]) => `${k} (${v.join(", ")})`).join("; ")}.`);
      drawModalities(null);
      scheduleFee();
      return;
    }
    const limit = info.maxBytes[kind.kind];
    if (file.size > limit) {
      fileInfo.textContent = "";
      fileInput.value = "";
      showError(`“${file.name}” is too large: ${size(file.size)}`, `This gateway takes ${kind.kind} files up to ${size(limit)}.`);
      scheduleFee();
      return;
    }
    state.file = file;
    state.kind = kind.kind;
    fileInfo.textContent = `${file.name}: ${kind.mime}, ${size(file.size)}`;
    drawModalities(kind.kind);
    scheduleFee();
  }

  function scheduleFee() {
    clearTimeout(state.feeTimer);
    state.feeTimer = setTimeout(updateFee, 250);
  }
  async function updateFee() {
    const modalities = chosen();
    const key = keyInput.value.trim();
    if (!modalities.length) { fee.textContent = "Choose at least one thing to check."; return; }
    if (!key) { fee.textContent = "Enter your API key to see the fee."; return; }
    const params = new URLSearchParams();
    for (const m of modalities) params.append("modalities", m);
    params.set("min_workers", minWorkers.value || "3");
    try {
      const estimate = await getJSON(`/v1/fees/estimate?${params}`, { key });
      fee.textContent = `Fee: ${sol(estimate.feeLamports)} (${lamports(estimate.feeLamports)}) for ${estimate.minWorkers} workers, paid from this gateway's wallet.`;
    } catch (e) {
      const { title, detail } = explain(e);
      fee.textContent = `No fee estimate: ${title}. ${detail}`;
    }
  }

  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) takeFile(file);
  });
  fileInput.addEventListener("change", () => takeFile(fileInput.files[0] || null));
  keyInput.addEventListener("change", scheduleFee);
  minWorkers.addEventListener("change", scheduleFee);

  const fileMode = h("input", { type: "radio", name: "source", id: "source-file", value: "file", checked: true });
  const urlMode = h("input", { type: "radio", name: "source", id: "source-url", value: "url" });
  const urlFields = h("div", { class: "url-fields hidden" },
    h("label", { for: "media-url", text: "Media URL" }), urlInput,
    h("p", { id: "url-help", class: "muted", text: "Where the workers can read it: ipfs://, https://, http:// or s3://. This gateway does not fetch it." }),
    h("label", { for: "media-hash", text: "SHA-256 of the media (hex)" }), hashInput,
    h("p", { id: "hash-help", class: "muted", text: "The workers check the media against it: sha256sum FILE." }));
  for (const radio of [fileMode, urlMode]) {
    radio.addEventListener("change", () => {
      state.mode = urlMode.checked ? "url" : "file";
      drop.classList.toggle("hidden", state.mode !== "file");
      urlFields.classList.toggle("hidden", state.mode !== "url");
      drawModalities(state.mode === "file" ? state.kind : null);
      scheduleFee();
    });
  }

  async function follow(id, localMedia, started) {
    const seen = new Map();
    const phases = live.querySelector("#phases");
    live.querySelector("#request-id").replaceChildren("Request ", h("a", { href: `/r/${id}`, text: id }));
    let failures = 0;
    let lastPhase = "";
    for (;;) {
      let view;
      try {
        view = await getJSON(`/v1/public/requests/${id}`);
        failures = 0;
      } catch (e) {
        failures += 1;
        if (failures >= 5 || (e instanceof ApiProblem && e.status >= 400 && e.status < 500 && e.code !== "RATE_LIMITED")) {
          showProblem(e);
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS * failures));
        continue;
      }
      clear(phases).append(renderPhases(view, seen, started));
      const active = phases.querySelector("[aria-current=step] .phase-body strong");
      const now = active ? active.textContent : view.status;
      if (now !== lastPhase) { announce(`${now} ${view.status === "Open" ? "in progress" : view.status}`); lastPhase = now; }
      if (view.status !== "Open") {
        live.querySelector("#live-title").textContent = view.status === "Finalized" ? "Verified" : "Not verified";
        clear(result).append(renderResult(view, { info, localMedia }));
        announce(view.status === "Finalized" ? `Verdict: ${view.verdict}, confidence ${view.confidence}, ${view.band.label}` : "The request expired: not enough workers answered.");
        submit.disabled = false;
        return;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async function onSubmit(event) {
    event.preventDefault();
    clear(messages);
    clear(result);
    const key = keyInput.value.trim();
    const modalities = chosen();
    if (!key) { showError("An API key is needed", "Paste the API key this gateway's operator gave you (it starts with dfpn_)."); keyInput.focus(); return; }
    keepKey(key, remember.checked);
    if (!modalities.length) { showError("Choose at least one thing to check", null); return; }
    const workers = Number(minWorkers.value || "3");
    submit.disabled = true;
    const started = performance.now();
    try {
      let view;
      if (state.mode === "file") {
        if (!state.file) { showError("Choose a file first", "Drop an image, video or audio file, or pick one."); submit.disabled = false; return; }
        uploadRow.classList.remove("hidden");
        progress.value = 0;
        view = await submitUpload({
          key, file: state.file, modalities, minWorkers: workers,
          onProgress: (sent, total) => {
            const pct = total ? Math.round((sent / total) * 100) : 0;
            progress.value = pct;
            progressText.textContent = `${pct} % (${size(sent)} of ${size(total)})`;
          },
        });
        progress.value = 100;
        progressText.textContent = `100 % (${size(state.file.size)}) — received by the gateway`;
      } else {
        const mediaUri = urlInput.value.trim();
        const contentHash = hashInput.value.trim().toLowerCase().replace(/^0x/, "");
        if (!/^(ipfs|s3|https?):\/\/\S+$/.test(mediaUri)) { showError("This is not a media URL the workers can read", "Use an ipfs://, https://, http:// or s3:// URL."); submit.disabled = false; return; }
        if (!/^[0-9a-f]{64}$/.test(contentHash)) { showError("The SHA-256 must be 64 hexadecimal characters", "Compute it with: sha256sum FILE"); submit.disabled = false; return; }
        view = await submitUri({ key, mediaUri, contentHash, modalities, minWorkers: workers });
      }
      live.classList.remove("hidden");
      announce("Submitted. Following the request.");
      await follow(view.id, state.mode === "file" ? state.file : null, started);
    } catch (e) {
      showProblem(e);
    } finally {
      submit.disabled = false;
    }
  }

  const form = h("form", { id: "verify-form", novalidate: true, onsubmit: onSubmit },
    h("section", { class: "card", "aria-labelledby": "key-title" },
      h("h2", { id: "key-title", text: "1. Your API key" }),
      h("label", { for: "api-key", text: "API key" }), keyInput,
      h("p", { id: "api-key-help", class: "muted", text: "Keys come from this gateway's operator (dfpn-gateway keys create). The request is paid from the gateway's wallet and counts against the key's quota." }),
      h("div", { class: "check" }, remember, h("label", { for: "remember-key", text: "Remember the key on this device" }))),
    h("section", { class: "card", "aria-labelledby": "media-title" },
      h("h2", { id: "media-title", text: "2. The media" }),
      h("fieldset", { class: "source" }, h("legend", { text: "Source" }),
        h("div", { class: "check" }, fileMode, h("label", { for: "source-file", text: "A file" })),
        h("div", { class: "check" }, urlMode, h("label", { for: "source-url", text: "A URL (already stored)" }))),
      drop,
      h("p", { id: "media-help", class: "muted", text: `Images up to ${size(info.maxBytes.image)}, audio up to ${size(info.maxBytes.audio)}, video up to ${size(info.maxBytes.video)}. The format is read from the file's bytes.` }),
      urlFields),
    h("section", { class: "card", "aria-labelledby": "what-title" },
      h("h2", { id: "what-title", text: "3. What to check" }),
      modalityBox,
      h("label", { for: "min-workers", text: "Workers (each answers independently)" }), minWorkers,
      fee),
    messages,
    h("div", { class: "actions" }, submit, uploadRow));
  drawModalities(null);
  clear(main).append(
    h("h1", { text: "Verify a file" }),
    h("p", { class: "lead", text: "Staked workers, drawn at random, each analyse the media, seal their answer on-chain, then reveal it. The consensus is final and anyone can check it." }),
    form, live, result);
  scheduleFee();
}
