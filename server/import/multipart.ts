// multipart/form-data read as a stream (RFC 7578): part headers, then each part's bytes as they
// arrive, so an uploaded export of any size flows into the importer without being held whole.
// A part's body must be read (or skipped) before asking for the next part.

export interface PartHeaders {
  name: string | null;
  filename: string | null;
  contentType: string | null;
}

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary of a multipart/form-data content type, or null. */
export function boundaryOf(contentType: string): string | null {
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m ? (m[1] ?? m[2]) : null;
  return b && b.length <= 70 ? b : null;
}

export class MultipartReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  /** Next part's headers are due (after the opening delimiter, or after a part's body ended). */
  private atPartStart = false;
  private finished = false;
  private readonly dash: Buffer;
  private readonly delim: Buffer;
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>, boundary: string) {
    this.it = source[Symbol.asyncIterator]();
    this.dash = Buffer.from(`--${boundary}`);
    this.delim = Buffer.from(`\r\n--${boundary}`);
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : Buffer.from(r.value);
    return true;
  }

  /** The next part's headers, or null after the closing delimiter. */
  async nextPart(): Promise<PartHeaders | null> {
    if (this.finished) return null;
    if (!this.atPartStart) {
      // The preamble up to the first delimiter.
      for (;;) {
        const i = this.buf.indexOf(this.dash);
        if (i !== -1 && this.buf.length >= i + this.dash.length + 2) {
          this.buf = this.buf.subarray(i + this.dash.length);
          break;
        }
        if (!(await this.fill())) throw new MultipartError('no multipart boundary in the body');
      }
      if (!(await this.afterDelimiter())) return null;
    }
    for (;;) {
      const end = this.buf.indexOf(HEADER_END);
      if (end !== -1) {
        const head = this.buf.subarray(0, end).toString('utf8');
        this.buf = this.buf.subarray(end + HEADER_END.length);
        this.atPartStart = false;
        return parseHeaders(head);
      }
      if (this.buf.length > MAX_HEADER_BYTES) throw new MultipartError('part headers too long');
      if (!(await this.fill())) throw new MultipartError('the body ends inside part headers');
    }
  }

  /** After "--boundary": "--" ends the body, CRLF starts a part. False at the end. */
  private async afterDelimiter(): Promise<boolean> {
    while (this.buf.length < 2) if (!(await this.fill())) throw new MultipartError('the body ends after a boundary');
    if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      this.finished = true;
      this.buf = Buffer.alloc(0);
      return false;
    }
    // Transport padding (spaces, tabs) may precede the CRLF.
    let k = 0;
    while (this.buf[k] === 0x20 || this.buf[k] === 0x09) k++;
    while (this.buf.length < k + 2)
      if (!(await this.fill())) throw new MultipartError('the body ends after a boundary');
    if (!this.buf.subarray(k, k + 2).equals(CRLF))
      throw new MultipartError('a boundary is not followed by a line break');
    this.buf = this.buf.subarray(k + 2);
    this.atPartStart = true;
    return true;
  }

  /** The current part's bytes, as they arrive. */
  async *body(): AsyncGenerator<Uint8Array> {
    const keep = this.delim.length - 1;
    for (;;) {
      const i = this.buf.indexOf(this.delim);
      if (i !== -1) {
        if (i > 0) yield this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + this.delim.length);
        await this.afterDelimiter();
        return;
      }
      // Everything but a tail that could be the start of a delimiter split across pieces.
      if (this.buf.length > keep) {
        const out = this.buf.subarray(0, this.buf.length - keep);
        this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
        yield out;
      }
      if (!(await this.fill())) throw new MultipartError('the body ends inside a part (no closing boundary)');
    }
  }

  /** A small part as text (a form field), refused beyond `max` bytes. */
  async text(max: number): Promise<string> {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const p of this.body()) {
      size += p.byteLength;
      if (size > max) throw new MultipartError(`a form field is longer than ${max} bytes`);
      parts.push(p);
    }
    return Buffer.concat(parts).toString('utf8');
  }
}

function parseHeaders(head: string): PartHeaders {
  const out: PartHeaders = { name: null, filename: null, contentType: null };
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i === -1) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (key === 'content-type') out.contentType = value;
    else if (key === 'content-disposition') {
      out.name = /(?:^|;)\s*name="([^"]*)"/i.exec(value)?.[1] ?? /(?:^|;)\s*name=([^;\s]+)/i.exec(value)?.[1] ?? null;
      out.filename =
        /(?:^|;)\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /(?:^|;)\s*filename=([^;\s]+)/i.exec(value)?.[1] ?? null;
    }
  }
  return out;
}
