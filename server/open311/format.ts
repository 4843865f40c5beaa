// Open311 GeoReport v2 wire formats: JSON arrays/objects and the equivalent XML, and the spec's
// error body ([{"code":400,"description":"…"}] / <errors><error><code>…</code>…</error></errors>).
export type Format = 'json' | 'xml';

/** 'services.json' → ['services', 'json']; anything else → null. */
export function splitFormat(name: string): [string, Format] | null {
  const m = /^(.+)\.(json|xml)$/.exec(name);
  return m ? [m[1], m[2] as Format] : null;
}

// Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF): left out, so
// one odd ticket never makes the whole feed unreadable.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const esc = (s: string) => s.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function node(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return `<${name}/>`;
  if (Array.isArray(value)) {
    // Arrays of scalars (keywords) become a comma list; arrays of objects nest with a singular child.
    if (value.every((v) => typeof v !== 'object' || v === null)) return `<${name}>${esc(value.join(','))}</${name}>`;
    const child = name.endsWith('s') ? name.slice(0, -1) : 'item';
    return `<${name}>${value.map((v) => node(child, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${Object.entries(value as object).map(([k, v]) => node(k, v)).join('')}</${name}>`;
  return `<${name}>${esc(String(value))}</${name}>`;
}

export function toXml(root: string, item: string, rows: object[] | object): string {
  const body = Array.isArray(rows) ? `<${root}>${rows.map((r) => node(item, r)).join('')}</${root}>` : node(root, rows);
  return `<?xml version="1.0" encoding="utf-8"?>${body}`;
}

export function render(format: Format, status: number, root: string, item: string, rows: object[] | object): Response {
  const body = format === 'json' ? JSON.stringify(rows) : toXml(root, item, rows);
  return new Response(body, { status, headers: { 'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8' } });
}

export function open311Error(format: Format, status: number, description: string): Response {
  return render(format, status, 'errors', 'error', [{ code: status, description }]);
}
