// The streaming CSV reader: RFC 4180, line numbers, any piece boundaries, and no silent swallowing.
import { describe, expect, it } from 'vitest';
import { CsvReader, readCsv, type CsvItem } from '../../../server/import/csv.ts';

/** Everything the reader gives for `text` fed in pieces of `size` characters (0 = at once). */
function read(text: string, size = 0, opts = {}): CsvItem[] {
  const r = new CsvReader(opts);
  const out: CsvItem[] = [];
  if (size === 0) out.push(...r.push(text));
  else for (let i = 0; i < text.length; i += size) out.push(...r.push(text.slice(i, i + size)));
  out.push(...r.end());
  return out;
}
const records = (items: CsvItem[]) =>
  items.filter((i) => i.ok).map((i) => (i.ok ? [i.record.line, ...i.record.fields] : []));
const errors = (items: CsvItem[]) =>
  items.filter((i) => !i.ok).map((i) => (i.ok ? null : [i.error.line, i.error.kind]));

describe('RFC 4180', () => {
  const text = 'id,text,n\r\n1,"a, b",2\r\n2,"say ""hi""",3\r\n3,"two\nlines",4\r\n\r\n4,,5\n5,plain "quote" inside,6';
  it('reads quoted commas, doubled quotes, quoted newlines, CRLF, blank lines; lines are physical', () => {
    expect(records(read(text))).toEqual([
      [1, 'id', 'text', 'n'],
      [2, '1', 'a, b', '2'],
      [3, '2', 'say "hi"', '3'],
      [4, '3', 'two\nlines', '4'],
      [7, '4', '', '5'],
      [8, '5', 'plain "quote" inside', '6'],
    ]);
    expect(errors(read(text))).toEqual([]);
  });

  it('gives the same records whatever the piece boundaries', () => {
    const whole = read(text);
    for (const size of [1, 2, 3, 5, 7, 16]) expect(read(text, size)).toEqual(whole);
  });

  it('drops a byte-order mark and reads a last line without newline', () => {
    expect(records(read('\uFEFFa,b\n1,2'))).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
    ]);
  });

  it('supports another delimiter', () => {
    expect(records(read('a;b\n"x;y";2\n', 0, { delimiter: ';' }))).toEqual([
      [1, 'a', 'b'],
      [2, 'x;y', '2'],
    ]);
  });
});

describe('broken quotes are reported, never swallow the following lines', () => {
  it('an unterminated quote at the end: that record is refused and the lines after it are read', () => {
    const items = read('id,text,n\n1,"never closed,2\n2,b,3\n3,c,4\n');
    expect(errors(items)).toEqual([[2, 'unterminated_quote']]);
    expect(records(items)).toEqual([
      [1, 'id', 'text', 'n'],
      [3, '2', 'b', '3'],
      [4, '3', 'c', '4'],
    ]);
    const err = items.find((i) => !i.ok);
    expect(err && !err.ok && err.error.message).toMatch(/line 2 is never closed/);
  });

  it('a stray quote closed on a later line with text after it: bad_quote, then reading resumes', () => {
    const items = read('id,text,n\n1,"oops,2\n2,"b",3\n3,c,4\n');
    expect(errors(items)).toEqual([[2, 'bad_quote']]);
    const err = items.find((i) => !i.ok);
    expect(err && !err.ok && err.error.message).toMatch(
      /text after a closing quote \(the quote opened 1 line earlier\)/,
    );
    // Line 3 is read again on its own.
    expect(records(items)).toEqual([
      [1, 'id', 'text', 'n'],
      [3, '2', 'b', '3'],
      [4, '3', 'c', '4'],
    ]);
  });

  it('a quote that closes on a later line into a record of the right shape is RFC 4180, and kept', () => {
    expect(records(read('id,text,n\n1,"two,2\n2,b",3\n'))).toEqual([
      [1, 'id', 'text', 'n'],
      [2, '1', 'two,2\n2,b', '3'],
    ]);
  });

  it('a multi-line record with the wrong number of fields is taken for an unclosed quote', () => {
    const items = read('id,text,n\n1,"oops,2\n2,b,3\n3,c",4,5\n4,d,6\n');
    expect(errors(items)[0]).toEqual([2, 'unterminated_quote']);
    expect(records(items).map((r) => r[0])).toEqual([1, 3, 5]);
    expect(errors(items).map((e) => e![0])).toEqual([2, 4]);
  });

  it('a one-line record with the wrong number of fields is refused alone', () => {
    const items = read('a,b,c\n1,2\n3,4,5\n');
    expect(errors(items)).toEqual([[2, 'field_count']]);
    expect(records(items)).toEqual([
      [1, 'a', 'b', 'c'],
      [3, '3', '4', '5'],
    ]);
  });

  it('a quoted field running over too many lines is refused', () => {
    const long = 'a,b\n1,"' + 'x\n'.repeat(10) + '",2\n3,4\n';
    const items = read(long, 0, { maxRecordLines: 5 });
    expect(errors(items)[0]).toEqual([2, 'record_too_large']);
    expect(records(items).at(-1)).toEqual([13, '3', '4']);
  });
});

describe('readCsv over a byte stream', () => {
  it('decodes UTF-8 split across pieces', async () => {
    const bytes = new TextEncoder().encode('名称,数量\n朝阳区,"1"\n');
    const pieces = async function* () {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    };
    const got: CsvItem[] = [];
    for await (const batch of readCsv(pieces())) got.push(...batch);
    expect(records(got)).toEqual([
      [1, '名称', '数量'],
      [2, '朝阳区', '1'],
    ]);
  });
});
