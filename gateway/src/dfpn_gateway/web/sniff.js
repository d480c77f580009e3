// Which media a file is, from its first bytes (the gateway sniffs the same way, dfpn_gateway/sniff.py; the name
// and the browser's idea of the type are not trusted).

const ascii = (bytes, start, end) => String.fromCharCode(...bytes.slice(start, end));

/**
 * The MIME type and kind of a file from its first 64 bytes, or null when it is none of the accepted formats.
 * @param {Uint8Array} b
 * @returns {{mime: string, kind: "image"|"video"|"audio"}|null}
 */
export function sniffBytes(b) {
  const starts = (...sig) => sig.every((v, i) => b[i] === v);
  if (starts(0xff, 0xd8, 0xff)) return { mime: "image/jpeg", kind: "image" };
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { mime: "image/png", kind: "image" };
  if (["GIF87a", "GIF89a"].includes(ascii(b, 0, 6))) return { mime: "image/gif", kind: "image" };
  if (ascii(b, 0, 4) === "RIFF" && b.length >= 12) {
    const form = ascii(b, 8, 12);
    if (form === "WEBP") return { mime: "image/webp", kind: "image" };
    if (form === "WAVE") return { mime: "audio/wav", kind: "audio" };
    return null;
  }
  if (ascii(b, 4, 8) === "ftyp" && b.length >= 12) {
    const brand = ascii(b, 8, 12);
    if (brand === "qt  ") return { mime: "video/quicktime", kind: "video" };
    if (["M4A ", "M4B ", "M4P ", "F4A ", "F4B "].includes(brand)) return { mime: "audio/mp4", kind: "audio" };
    return { mime: "video/mp4", kind: "video" };
  }
  if (b.length >= 8 && ["moov", "mdat", "wide", "pnot", "skip"].includes(ascii(b, 4, 8))) {
    return { mime: "video/quicktime", kind: "video" };
  }
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) {
    return ascii(b, 0, 64).includes("webm") ? { mime: "video/webm", kind: "video" } : { mime: "video/x-matroska", kind: "video" };
  }
  if (ascii(b, 0, 4) === "fLaC") return { mime: "audio/flac", kind: "audio" };
  if (ascii(b, 0, 4) === "OggS") return { mime: "audio/ogg", kind: "audio" };
  if (ascii(b, 0, 3) === "ID3") return { mime: "audio/mpeg", kind: "audio" };
  if (b[0] === 0xff && (b[1] & 0xe0) === 0xe0) {
    const version = (b[1] >> 3) & 3;
    const layer = (b[1] >> 1) & 3;
    const bitrate = b[2] >> 4;
    if (version !== 1 && layer !== 0 && bitrate !== 0 && bitrate !== 15) return { mime: "audio/mpeg", kind: "audio" };
  }
  return null;
}

/**
 * Sniff a File (reads its first 64 bytes).
 * @param {Blob} file
 * @returns {Promise<{mime: string, kind: string}|null>}
 */
export async function sniffFile(file) {
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  return sniffBytes(head);
}
