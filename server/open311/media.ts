// An uploaded Open311 `media` file (pure): only JPEG and PNG images, recognised by their bytes (not
// by the name or type the client claims), at most MAX_MEDIA_BYTES, and stripped of the metadata a
// phone writes into them (EXIF with GPS position and device, XMP, comments, text chunks), so a
// coarsened public location is not given away by the photo.
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;
export type MediaType = 'image/jpeg' | 'image/png';
export const EXTENSION: Record<MediaType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };
export const TYPE_OF_EXTENSION: Record<string, MediaType> = { jpg: 'image/jpeg', png: 'image/png' };

export type MediaResult = { ok: true; type: MediaType; bytes: Uint8Array } | { ok: false; message: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniff(b: Uint8Array): MediaType | null {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && PNG_SIGNATURE.every((x, i) => b[i] === x)) return 'image/png';
  return null;
}

/** JPEG without APP1–APP15 (EXIF, XMP, ICC…) and COM segments; image data untouched. Null if malformed. */
function stripJpeg(b: Uint8Array): Uint8Array | null {
  const out: Uint8Array[] = [b.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9) return null; // end of image before any scan
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (len < 2 || i + 2 + len > b.length) return null;
    const dropped = (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe;
    if (!dropped) out.push(b.subarray(i, i + 2 + len));
    i += 2 + len;
    if (marker === 0xda) {
      // start of scan: the entropy-coded data and everything after it are kept as they are
      out.push(b.subarray(i));
      return concat(out);
    }
  }
  return null;
}

const PNG_DROP = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

/** PNG without text, EXIF and time chunks. Null if malformed. */
function stripPng(b: Uint8Array): Uint8Array | null {
  const out: Uint8Array[] = [b.subarray(0, 8)];
  let i = 8;
  let ended = false;
  while (i + 12 <= b.length) {
    const len = ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
    if (i + 12 + len > b.length) return null;
    const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    if (!PNG_DROP.has(type)) out.push(b.subarray(i, i + 12 + len));
    i += 12 + len;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  return ended ? concat(out) : null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function checkMedia(bytes: Uint8Array): MediaResult {
  if (bytes.length === 0) return { ok: false, message: 'empty file' };
  if (bytes.length > MAX_MEDIA_BYTES) return { ok: false, message: `over ${MAX_MEDIA_BYTES} bytes` };
  const type = sniff(bytes);
  if (!type) return { ok: false, message: 'send a JPEG or PNG image' };
  const clean = type === 'image/jpeg' ? stripJpeg(bytes) : stripPng(bytes);
  if (!clean) return { ok: false, message: `not a readable ${type === 'image/jpeg' ? 'JPEG' : 'PNG'} file` };
  return { ok: true, type, bytes: clean };
}
