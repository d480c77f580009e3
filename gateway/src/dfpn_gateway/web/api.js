// Talking to the gateway: the same HTTP API as curl users (/v1/...), errors as ApiProblem with a clear message.

/** A failed call: the HTTP status (0 when the gateway could not be reached), the API's code and message. */
export class ApiProblem extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TITLES = {
  MISSING_API_KEY: ["An API key is needed", "Paste the API key this gateway's operator gave you (it starts with dfpn_)."],
  INVALID_API_KEY: ["This API key is not valid for this gateway", "Check the key for typos, or ask the operator for a new one."],
  API_KEY_REVOKED: ["This API key was revoked", "Ask the gateway's operator for a new key."],
  UNSUPPORTED_MEDIA_TYPE: ["This kind of file cannot be checked", null],
  PAYLOAD_TOO_LARGE: ["The file is too large", null],
  REQUEST_NOT_FOUND: ["No such request on this network", null],
  RATE_LIMITED: ["Too many calls for now", "Wait a moment and try again."],
  QUOTA_EXHAUSTED: ["This API key has used its quota", "Ask the gateway's operator to raise it."],
  INSUFFICIENT_FUNDS: ["The gateway cannot pay for requests right now", "Its operator has to fund its wallet."],
  NETWORK: ["The gateway could not be reached", "Check your connection and try again."],
  INVALID_ARGUMENT: ["Something in the request is not right", null],
  NO_WORKERS_AVAILABLE: ["Not enough workers answered in time", "The request expired and its fee went back; try again later."],
};

/**
 * A title and a detail line for a failure, in plain words (the API's own message kept as the detail).
 * @param {unknown} error
 * @returns {{title: string, detail: string}}
 */
export function explain(error) {
  if (error instanceof ApiProblem) {
    const [title, hint] = TITLES[error.code] || [`The gateway refused: ${error.code}`, null];
    const parts = [error.message, hint].filter(Boolean);
    return { title, detail: parts.join(" ") };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { title: "Something went wrong in this page", detail: text };
}

async function problemFrom(response) {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || "no answer";
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiProblem(response.status, code, message);
}

/**
 * GET a JSON document of the API.
 * @param {string} path - "/v1/..."
 * @param {{key?: string, signal?: AbortSignal}} [opts] - an API key when the route needs one
 * @returns {Promise<any>}
 */
export async function getJSON(path, opts = {}) {
  const headers = { Accept: "application/json" };
  if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
  let response;
  try {
    response = await fetch(path, { headers, signal: opts.signal, cache: "no-store" });
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new ApiProblem(0, "NETWORK", "no answer from the gateway");
  }
  if (!response.ok) throw await problemFrom(response);
  return response.json();
}

/**
 * GET raw bytes (media, reports).
 * @param {string} path
 * @returns {Promise<Blob>}
 */
export async function getBlob(path) {
  let response;
  try {
    response = await fetch(path);
  } catch {
    throw new ApiProblem(0, "NETWORK", "no answer from the gateway");
  }
  if (!response.ok) throw await problemFrom(response);
  return response.blob();
}

/**
 * Submit a media URL already stored where workers read it (JSON body; the gateway does not fetch it).
 * @param {{key: string, mediaUri: string, contentHash: string, modalities: string[], minWorkers: number}} req
 * @returns {Promise<any>} the request's view (202)
 */
export async function submitUri(req) {
  let response;
  try {
    response = await fetch("/v1/requests", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${req.key}` },
      body: JSON.stringify({
        media_uri: req.mediaUri,
        content_hash: req.contentHash,
        modalities: req.modalities,
        min_workers: req.minWorkers,
      }),
    });
  } catch {
    throw new ApiProblem(0, "NETWORK", "no answer from the gateway");
  }
  if (response.status !== 202) throw await problemFrom(response);
  return response.json();
}

/**
 * Upload a file (multipart, the fields before the file so a wrong upload is refused early) with progress.
 * @param {{key: string, file: File, modalities: string[], minWorkers: number,
 *          onProgress?: function(number, number): void}} req
 * @returns {Promise<any>} the request's view (202)
 */
export function submitUpload(req) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const m of req.modalities) form.append("modalities", m);
    form.append("min_workers", String(req.minWorkers));
    form.append("file", req.file, req.file.name || "media");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/requests");
    xhr.setRequestHeader("Authorization", `Bearer ${req.key}`);
    xhr.responseType = "text";
    if (req.onProgress) {
      xhr.upload.addEventListener("progress", (e) => req.onProgress(e.loaded, e.lengthComputable ? e.total : req.file.size));
    }
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status === 202 && body) { resolve(body); return; }
      const error = body && body.error ? body.error : { code: `HTTP_${xhr.status}`, message: xhr.statusText || "refused" };
      reject(new ApiProblem(xhr.status, error.code, error.message));
    });
    xhr.addEventListener("error", () => reject(new ApiProblem(0, "NETWORK", "the upload was cut off")));
    xhr.addEventListener("abort", () => reject(new ApiProblem(0, "NETWORK", "the upload was cancelled")));
    xhr.send(form);
  });
}
