/**
 * What `client.analyze()` needs besides the client: the kind of media (from its first bytes, else its file
 * extension), the modalities asked for by default, and the progress it reports.
 *
 * Progress has the same stages and fields as the Python SDK's `AnalysisProgress` (`analyze(progress=...)`), in
 * camelCase: `stage` ('uploading', 'submitted', 'drawn', 'committed', 'revealed', 'finalized'), `requestId`,
 * `seatsDrawn`, `accepted`, `commits`, `reveals`, `minWorkers`, `bytesSent`, `bytesTotal`, `elapsedSeconds`.
 * @module
 */
import { REQUEST_STATUS_FINALIZED, SEAT_STATE_DRAWN } from './generated/constants.js';
import type { Request } from './generated/index.js';
import { Modality } from './models.js';

/** The kinds of media `analyze` tells apart. */
export type MediaKind = 'image' | 'video' | 'audio';

/** The modalities `analyze` asks for when none are given, by kind of media. */
export const DEFAULT_MODALITIES: Readonly<Record<MediaKind, readonly Modality[]>> = Object.freeze({
  image: Object.freeze([Modality.AiGeneratedImage, Modality.ImageAuthenticity]),
  video: Object.freeze([Modality.VideoAuthenticity]),
  audio: Object.freeze([Modality.VoiceCloning]),
});

/** Bytes of the media `mediaKind` looks at (its magic numbers are all within them). */
export const SNIFF_BYTES = 64;

const EXTENSIONS: Readonly<Record<string, MediaKind>> = Object.freeze({
  jpg: 'image', jpeg: 'image', jfif: 'image', png: 'image', gif: 'image', webp: 'image', bmp: 'image', tif: 'image',
  tiff: 'image', heic: 'image', heif: 'image', avif: 'image',
  mp4: 'video', m4v: 'video', mov: 'video', webm: 'video', mkv: 'video', avi: 'video', mpg: 'video', mpeg: 'video',
  '3gp': 'video', flv: 'video', ts: 'video',
  wav: 'audio', mp3: 'audio', flac: 'audio', ogg: 'audio', oga: 'audio', opus: 'audio', m4a: 'audio', aac: 'audio',
  aif: 'audio', aiff: 'audio', weba: 'audio',
});

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
}

/** The kind of media from its first bytes (magic numbers), or undefined when they say nothing known. */
export function sniffMediaKind(head: Uint8Array): MediaKind | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image'; // JPEG
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image'; // PNG
  const text4 = ascii(head, 0, 4);
  if (text4 === 'GIF8') return 'image';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image'; // TIFF
  if (text4 === 'RIFF') {
    const form = ascii(head, 8, 4);
    if (form === 'WEBP') return 'image';
    if (form === 'WAVE') return 'audio';
    if (form === 'AVI ') return 'video';
  }
  if (text4 === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(head, 8, 4))) return 'audio';
  if (ascii(head, 4, 4) === 'ftyp') {
    // ISO base media: the major brand says which (HEIF/AVIF images, M4A audio, else a video container)
    const brand = ascii(head, 8, 4);
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis'].includes(brand)) return 'image';
    if (['M4A ', 'M4B ', 'M4P '].includes(brand)) return 'audio';
    return 'video';
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video'; // Matroska / WebM
  if (text4.startsWith('FLV')) return 'video';
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba]) || startsWith(head, [0x00, 0x00, 0x01, 0xb3])) return 'video'; // MPEG-PS
  if (text4 === 'fLaC' || text4 === 'OggS') return 'audio';
  if (text4.startsWith('ID3')) return 'audio'; // MP3 with an ID3 tag
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return 'audio'; // MPEG audio / ADTS frame sync
  if (startsWith(head, [0x42, 0x4d]) && head.length >= 6) return 'image'; // BMP ("BM")
  return undefined;
}

/** The kind of media from a file name or URL's extension, or undefined. */
export function mediaKindFromName(name: string): MediaKind | undefined {
  const path = name.split(/[?#]/, 1)[0] ?? '';
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

/** The kind of media: its magic bytes first, then its name's extension; undefined when neither tells. */
export function mediaKind(head: Uint8Array | undefined, name: string | undefined): MediaKind | undefined {
  return (head && sniffMediaKind(head)) ?? (name === undefined ? undefined : mediaKindFromName(name));
}

/** Where a request stands. The stages come in this order; a later one implies the earlier ones happened. */
export type AnalysisStage = 'uploading' | 'submitted' | 'drawn' | 'committed' | 'revealed' | 'finalized';

/** The stages in order. */
export const ANALYSIS_STAGES: readonly AnalysisStage[] = Object.freeze([
  'uploading',
  'submitted',
  'drawn',
  'committed',
  'revealed',
  'finalized',
]);

/**
 * A progress report of `analyze` / `analyzeStream` / `waitForResult({ onProgress })` (a new, frozen one whenever
 * something changed). The Python SDK's `AnalysisProgress` has the same stages and fields (snake_case there).
 *
 * `stage`: 'uploading' while the media is hashed and stored (`bytesSent` of `bytesTotal`), 'submitted' once the
 * request is on-chain, then the furthest any seat got: 'drawn' (a worker was drawn for a seat), 'committed' (a worker
 * committed its answer), 'revealed' (a worker revealed it), and 'finalized' (the verdict is on-chain).
 */
export interface AnalysisProgress {
  readonly stage: AnalysisStage;
  /** The request's address, null before it is submitted. */
  readonly requestId: string | null;
  /** Seats held (drawn, accepted, committed or revealed). */
  readonly seatsDrawn: number;
  /** Seats whose drawn worker accepted (`join_request`). */
  readonly accepted: number;
  /** Workers that committed, and revealed, of the `minWorkers` the request needs. */
  readonly commits: number;
  readonly reveals: number;
  readonly minWorkers: number;
  /** Upload progress in bytes (stage 'uploading'; afterwards the final figures). */
  readonly bytesSent: number;
  readonly bytesTotal: number;
  /** Seconds since the call started. */
  readonly elapsedSeconds: number;
}

/** A progress report (frozen), the counts taken from `fields`, the rest zero. */
export function analysisProgress(fields: Partial<AnalysisProgress> & Pick<AnalysisProgress, 'stage' | 'elapsedSeconds'>): AnalysisProgress {
  return Object.freeze({
    requestId: null,
    seatsDrawn: 0,
    accepted: 0,
    commits: 0,
    reveals: 0,
    minWorkers: 0,
    bytesSent: 0,
    bytesTotal: 0,
    ...fields,
  });
}

/** The progress of a request account: its stage (the furthest any seat got) and counts. */
export function requestProgress(
  address: string,
  r: Pick<Request, 'status' | 'joined' | 'seats' | 'commits' | 'reveals' | 'minWorkers'>,
  elapsedSeconds: number,
  upload: { bytesSent: number; bytesTotal: number } = { bytesSent: 0, bytesTotal: 0 },
): AnalysisProgress {
  const held = r.seats.slice(0, r.joined);
  const stage: AnalysisStage =
    r.status === REQUEST_STATUS_FINALIZED
      ? 'finalized'
      : r.reveals > 0
        ? 'revealed'
        : r.commits > 0
          ? 'committed'
          : r.joined > 0
            ? 'drawn'
            : 'submitted';
  return analysisProgress({
    stage,
    requestId: address,
    seatsDrawn: r.joined,
    accepted: held.filter((s) => s.state !== SEAT_STATE_DRAWN).length,
    commits: r.commits,
    reveals: r.reveals,
    minWorkers: r.minWorkers,
    ...upload,
    elapsedSeconds,
  });
}

/** True when two reports differ in anything but the elapsed time. */
export function progressChanged(a: AnalysisProgress | undefined, b: AnalysisProgress): boolean {
  if (a === undefined) return true;
  return (
    a.stage !== b.stage ||
    a.requestId !== b.requestId ||
    a.seatsDrawn !== b.seatsDrawn ||
    a.accepted !== b.accepted ||
    a.commits !== b.commits ||
    a.reveals !== b.reveals ||
    a.minWorkers !== b.minWorkers ||
    a.bytesSent !== b.bytesSent ||
    a.bytesTotal !== b.bytesTotal
  );
}
