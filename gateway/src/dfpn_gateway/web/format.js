// Formatting: confidence bands in the specification's words, lamports, addresses, times.

/**
 * The specification's confidence band (docs/verdicts.md): 80-100 high, 50-79 moderate, below 50 treat as
 * inconclusive.
 * @param {number} confidence - 0..100
 * @returns {{level: string, label: string}}
 */
export function band(confidence) {
  if (confidence >= 80) return { level: "high", label: "80-100: high" };
  if (confidence >= 50) return { level: "moderate", label: "50-79: moderate" };
  return { level: "inconclusive", label: "below 50: treat as inconclusive" };
}

/**
 * Lamports as SOL text ("0.0075 SOL").
 * @param {number} lamports
 * @returns {string}
 */
export function sol(lamports) {
  const value = lamports / 1e9;
  return `${value.toLocaleString("en-US", { maximumFractionDigits: 9 })} SOL`;
}

/**
 * Lamports with thousands separators ("7,500,000 lamports").
 * @param {number} lamports
 * @returns {string}
 */
export function lamports(lamports) {
  return `${Math.round(lamports).toLocaleString("en-US")} lamports`;
}

/**
 * A shortened base58 address or hash for tables ("9aBc…xYz1"); the full value belongs in a title or nearby.
 * @param {string} text
 * @param {number} [keep]
 * @returns {string}
 */
export function short(text, keep = 4) {
  if (!text || text.length <= keep * 2 + 1) return text || "";
  return `${text.slice(0, keep)}…${text.slice(-keep)}`;
}

/**
 * A unix time (seconds) as local date and time text.
 * @param {number|null|undefined} seconds
 * @returns {string}
 */
export function when(seconds) {
  if (!seconds) return "—";
  return new Date(seconds * 1000).toLocaleString("en-GB", { hour12: false });
}

/**
 * A unix time (seconds) as a time of day.
 * @param {number} seconds
 * @returns {string}
 */
export function clock(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString("en-GB", { hour12: false });
}

/**
 * A duration in seconds ("4.2 s", "3 min 5 s").
 * @param {number|null|undefined} seconds
 * @returns {string}
 */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * A byte count ("2.4 MB").
 * @param {number} bytes
 * @returns {string}
 */
export function size(bytes) {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * A share as a percentage ("87 %"), or a dash.
 * @param {number|null|undefined} ratio - 0..1
 * @returns {string}
 */
export function percent(ratio) {
  return ratio === null || ratio === undefined ? "—" : `${Math.round(ratio * 100)} %`;
}

/** Human names of the protocol's modalities. */
export const MODALITY_NAMES = {
  ImageAuthenticity: "Image authenticity",
  FaceManipulation: "Face manipulation",
  AiGeneratedImage: "AI-generated image",
  VideoAuthenticity: "Video authenticity",
  VoiceCloning: "Voice cloning",
};

/** The modalities a kind of media is checked for by default, and every one that takes it (as the gateway). */
export const MODALITIES_BY_KIND = {
  image: { defaults: ["AiGeneratedImage", "ImageAuthenticity"],
    allowed: ["ImageAuthenticity", "FaceManipulation", "AiGeneratedImage"] },
  video: { defaults: ["VideoAuthenticity"], allowed: ["FaceManipulation", "VideoAuthenticity", "VoiceCloning"] },
  audio: { defaults: ["VoiceCloning"], allowed: ["VoiceCloning"] },
};
