// Open311 GeoReport v2 wire formats (pure). JSON is the spec's "Spark convention" mapping of its
// XML: an array in JSON is a wrapper element in XML whose children take the singular name the spec
// uses (services → service, service_requests → request, attributes → attribute, values → value,
// endpoints → endpoint, formats → format, errors → error); object keys keep their order, null and
// empty are empty elements. XML carries no namespace (as the spec recommends) and never a character
// XML 1.0 forbids: control characters, lone surrogates and U+FFFE/U+FFFF are left out of any text,
// so one odd ticket never makes a whole feed unreadable.
export type Format = 'json' | 'xml';

/** 'services.json' → ['services', 'json']; anything else → null. */
export function splitFormat(name: string): [string, Format] | null {
  const m = /^(.+)\.(json|xml)$/.exec(name);
  return m ? [m[1]!, m[2] as Format] : null;
}

/** The format a path asks for by its extension (json when it names none). */
export const formatOfPath = (path: string): Format => splitFormat(path.split('/').pop() ?? '')?.[1] ?? 'json';

/** The singular child element of each list the specification names. */
export const CHILD: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
};

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** Text as XML character data: forbidden characters left out, markup characters escaped. */
export const xmlText = (s: string) =>
  s
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');

function node(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `<${name}/>`;
    const child = CHILD[name] ?? 'item';
    return `<${name}>${value.map((v) => node(child, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value as object)
      .map(([k, v]) => node(k, v))
      .join('')}</${name}>`;
  return `<${name}>${xmlText(String(value))}</${name}>`;
}

/** The XML document of a body: `root` is the top element (an array nests its items under CHILD[root]). */
export function toXml(root: string, body: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>${node(root, body)}`;
}

export const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

export function render(
  format: Format,
  status: number,
  root: string,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  const text = format === 'json' ? JSON.stringify(body) : toXml(root, body);
  return new Response(text, { status, headers: { 'content-type': CONTENT_TYPE[format], ...headers } });
}

/** The spec's error body: [{"code": 400, "description": "…"}] / <errors><error><code>…</code><description>…</description></error></errors>. */
export function open311Error(
  format: Format,
  status: number,
  description: string,
  headers: Record<string, string> = {},
): Response {
  return render(format, status, 'errors', [{ code: status, description }], headers);
}
