import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../server/intake/csvImport.ts';

describe('the CSV reader', () => {
  it('keeps quoted commas, quotes and line breaks, and numbers records by their first line', () => {
    const text = '\ufeffa,b\r\n1,"x, ""y"""\n2,"two\nlines"\n\n3,z';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x, "y"'] },
      { line: 3, fields: ['2', 'two\nlines'] },
      { line: 6, fields: ['3', 'z'] },
    ]);
  });
});
