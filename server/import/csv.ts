// A streaming RFC 4180 CSV reader: text in pieces of any size, records out with the physical line
// each starts on. Quoted fields may hold commas, doubled quotes and newlines.
//
// A quote that is never closed would swallow every following line into one field. That never
// happens silently here: a record is refused, and reading starts again on the line after the one
// it started on, when
//   - a closing quote is followed by anything but a comma or the end of the line ("bad_quote"),
//   - a quote is still open at the end of the input ("unterminated_quote"),
//   - a record that spans several lines has another number of fields than the header
//     ("unterminated_quote": the usual cause), or spans more than maxRecordLines lines or
//     maxRecordBytes characters ("record_too_large").
// A one-line record with the wrong number of fields is refused as "field_count".

export interface CsvRecord {
  /** Physical line (1-based) the record starts on. */
  line: number;
  fields: string[];
}

export type CsvErrorKind = 'unterminated_quote' | 'bad_quote' | 'field_count' | 'record_too_large';

export interface CsvError {
  line: number;
  kind: CsvErrorKind;
  message: string;
}

export type CsvItem = { ok: true; record: CsvRecord } | { ok: false; error: CsvError };

export interface CsvOptions {
  delimiter?: string;
  /** A record spanning more lines than this is taken for an unterminated quote (default 200). */
  maxRecordLines?: number;
  /** …or more characters than this (default 4 MiB). */
  maxRecordBytes?: number;
  /** The first record is a header: every later record must have as many fields (default true). */
  header?: boolean;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

type Step =
  | { kind: 'more' }
  | { kind: 'record'; fields: string[]; end: number; lines: number }
  | { kind: 'error'; error: CsvErrorKind; message: string; lineOffset: number };

function newlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  // Lone CRs (old Mac files) end lines too.
  if (s.indexOf('\r') !== -1)
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === CR && s.charCodeAt(i + 1) !== LF) n++;
  return n;
}

export class CsvReader {
  private buf = '';
  private pos = 0;
  /** Line number of buf[pos]. */
  private line = 1;
  private expected: number | null = null;
  private readonly delim: number;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private started = false;
  private readonly header: boolean;

  constructor(opts: CsvOptions = {}) {
    this.header = opts.header ?? true;
    const d = opts.delimiter ?? ',';
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r')
      throw new Error(`delimiter ${JSON.stringify(d)}: one character, not a quote or newline`);
    this.delim = d.charCodeAt(0);
    this.maxLines = opts.maxRecordLines ?? 200;
    this.maxBytes = opts.maxRecordBytes ?? 4 * 1024 * 1024;
  }

  /** Records must have this many fields (the header's count) from now on. */
  expectFields(n: number): void {
    this.expected = n;
  }

  push(text: string): CsvItem[] {
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buf = this.pos === 0 ? this.buf + text : this.buf.slice(this.pos) + text;
    this.pos = 0;
    return this.drain(false);
  }

  end(): CsvItem[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvItem[] {
    const out: CsvItem[] = [];
    for (;;) {
      if (this.pos >= this.buf.length) break;
      const step = this.step(final);
      if (step.kind === 'more') break;
      if (step.kind === 'record') {
        const { fields, lines } = step;
        const start = this.line;
        const blank = fields.length === 1 && fields[0] === '';
        if (this.expected !== null && !blank && fields.length !== this.expected) {
          if (lines > 1) {
            const error: CsvError = {
              line: start,
              kind: 'unterminated_quote',
              message: `a quoted field opened on line ${start} runs over ${lines} lines and the record has ${fields.length} fields instead of ${this.expected}: a quote is probably not closed; reading again from line ${start + 1}`,
            };
            if (!this.resync(final)) break;
            out.push({ ok: false, error });
            continue;
          }
          out.push({
            ok: false,
            error: { line: start, kind: 'field_count', message: `${fields.length} fields instead of ${this.expected}` },
          });
        } else if (!blank) {
          if (this.header && this.expected === null) this.expected = fields.length;
          out.push({ ok: true, record: { line: start, fields } });
        }
        this.pos = step.end;
        this.line += lines;
        continue;
      }
      const start = this.line;
      const error: CsvError = { line: start + step.lineOffset, kind: step.error, message: step.message };
      if (!this.resync(final)) break;
      out.push({ ok: false, error });
    }
    if (final) {
      this.buf = '';
      this.pos = 0;
    }
    return out;
  }

  /** Skip to the line after the current record's first line. False: that line is not complete yet. */
  private resync(final: boolean): boolean {
    const b = this.buf;
    let i = this.pos;
    for (; i < b.length; i++) {
      const c = b.charCodeAt(i);
      if (c === LF) {
        i++;
        break;
      }
      if (c === CR) {
        if (i + 1 >= b.length && !final) return false;
        i += b.charCodeAt(i + 1) === LF ? 2 : 1;
        break;
      }
    }
    if (i >= b.length && !final && b.charCodeAt(b.length - 1) !== LF && b.charCodeAt(b.length - 1) !== CR) return false;
    this.pos = i;
    this.line += 1;
    return true;
  }

  /** One record starting at pos. */
  private step(final: boolean): Step {
    const b = this.buf;
    const n = b.length;
    const d = this.delim;
    const fields: string[] = [];
    let lines = 1;
    let i = this.pos;
    for (;;) {
      // One field starting at i.
      if (i < n && b.charCodeAt(i) === QUOTE) {
        const openedAt = i;
        let j = i + 1;
        let value = '';
        for (;;) {
          const k = b.indexOf('"', j);
          if (k === -1) {
            if (!final) return n - this.pos > this.maxBytes ? this.tooLarge() : { kind: 'more' };
            return {
              kind: 'error',
              error: 'unterminated_quote',
              message: `the quote opened on line ${this.line + newlines(b.slice(this.pos, openedAt))} is never closed; reading again from the next line`,
              lineOffset: 0,
            };
          }
          if (k + 1 >= n && !final) return { kind: 'more' };
          if (b.charCodeAt(k + 1) === QUOTE) {
            value += b.slice(j, k + 1);
            j = k + 2;
            continue;
          }
          value += b.slice(j, k);
          i = k + 1;
          break;
        }
        if (value.length > this.maxBytes) return this.tooLarge();
        const nl = newlines(value);
        lines += nl;
        if (lines > this.maxLines) {
          return {
            kind: 'error',
            error: 'record_too_large',
            message: `a quoted field runs over more than ${this.maxLines} lines: a quote is probably not closed; reading again from the next line`,
            lineOffset: 0,
          };
        }
        fields.push(value);
        if (i >= n) {
          if (!final) return { kind: 'more' };
          return { kind: 'record', fields, end: i, lines };
        }
        const c = b.charCodeAt(i);
        if (c === d) {
          i++;
          continue;
        }
        if (c === LF || c === CR) return this.endOfLine(fields, i, lines, final);
        return {
          kind: 'error',
          error: 'bad_quote',
          message: `field ${fields.length}: text after a closing quote${nl ? ` (the quote opened ${nl} line${nl > 1 ? 's' : ''} earlier)` : ''}; reading again from the next line`,
          lineOffset: 0,
        };
      }
      // Unquoted: up to the delimiter or the end of the line. A quote inside is kept as text.
      let k = i;
      for (; k < n; k++) {
        const c = b.charCodeAt(k);
        if (c === d || c === LF || c === CR) break;
      }
      if (k >= n) {
        if (!final) return k - this.pos > this.maxBytes ? this.tooLarge() : { kind: 'more' };
        fields.push(b.slice(i, k));
        return { kind: 'record', fields, end: k, lines };
      }
      fields.push(b.slice(i, k));
      if (b.charCodeAt(k) === d) {
        i = k + 1;
        continue;
      }
      return this.endOfLine(fields, k, lines, final);
    }
  }

  private endOfLine(fields: string[], i: number, lines: number, final: boolean): Step {
    const b = this.buf;
    if (b.charCodeAt(i) === CR) {
      if (i + 1 >= b.length && !final) return { kind: 'more' };
      return { kind: 'record', fields, end: b.charCodeAt(i + 1) === LF ? i + 2 : i + 1, lines };
    }
    return { kind: 'record', fields, end: i + 1, lines };
  }

  private tooLarge(): Step {
    return {
      kind: 'error',
      error: 'record_too_large',
      message: `a record longer than ${this.maxBytes} characters: a quote is probably not closed; reading again from the next line`,
      lineOffset: 0,
    };
  }
}

/**
 * Records of a byte stream (file, HTTP body), decoded as UTF-8, in batches as the pieces arrive.
 * Memory holds one piece and the record being read, whatever the size of the input.
 */
export async function* readCsv(
  source: AsyncIterable<Uint8Array | string>,
  opts: CsvOptions = {},
): AsyncGenerator<CsvItem[]> {
  const reader = new CsvReader(opts);
  const decoder = new TextDecoder('utf-8');
  for await (const piece of source) {
    const text = typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
    const items = reader.push(text);
    if (items.length) yield items;
  }
  const tail = decoder.decode();
  const items = [...(tail ? reader.push(tail) : []), ...reader.end()];
  if (items.length) yield items;
}
