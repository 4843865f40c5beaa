// Reading Open311 XML in tests the way a strict client would: well-formed by a conforming XML 1.0
// parser (saxes, which refuses characters XML forbids) and by fast-xml-parser's validator, then as
// a tree whose element order can be checked and which maps onto the JSON answer by the spec's
// Spark convention (lists are wrapper elements of their singular items).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';

export interface El {
  name: string;
  children: El[];
  text: string;
}

/** null when well-formed; otherwise the first parser's complaint. */
export function wellFormedError(xml: string): string | null {
  const v = XMLValidator.validate(xml);
  if (v !== true) return `fast-xml-parser: ${v.err.msg} (line ${v.err.line})`;
  const p = new SaxesParser();
  let err: string | null = null;
  p.on('error', (e) => {
    err ??= e.message;
  });
  try {
    p.write(xml).close();
  } catch (e) {
    err ??= (e as Error).message;
  }
  return err ? `saxes: ${err}` : null;
}

type Ordered = Record<string, Ordered[] | string>[];

function toEl(item: Record<string, unknown>): El | null {
  const name = Object.keys(item).find((k) => k !== ':@');
  if (!name || name === '#text' || name === '?xml') return null;
  const kids = item[name] as Ordered;
  const children = kids.map((k) => toEl(k as Record<string, unknown>)).filter((e): e is El => e !== null);
  const text = kids.map((k) => ('#text' in k ? String(k['#text']) : '')).join('');
  return { name, children, text };
}

/** The document's root element; throws when the XML is not well-formed. */
export function parseXml(xml: string): El {
  const err = wellFormedError(xml);
  if (err) throw new Error(err);
  const doc = new XMLParser({
    preserveOrder: true,
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: false,
    processEntities: true,
    htmlEntities: true,
  }).parse(xml) as Ordered;
  const roots = doc.map((d) => toEl(d as Record<string, unknown>)).filter((e): e is El => e !== null);
  if (roots.length !== 1) throw new Error(`${roots.length} root elements`);
  return roots[0]!;
}

/** The spec's lists: wrapper element → its item element. */
const LISTS: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
};

/** The Spark-convention JSON of an element, every leaf as text ('' for an empty element). */
export function spark(el: El): unknown {
  const item = LISTS[el.name];
  if (item) {
    if (!el.children.every((c) => c.name === item))
      throw new Error(`<${el.name}> holds ${el.children.map((c) => c.name).join(', ')}, not only <${item}>`);
    return el.children.map(spark);
  }
  if (el.children.length === 0) return el.text;
  return Object.fromEntries(el.children.map((c) => [c.name, spark(c)]));
}

/** The JSON answer with every leaf as XML text would carry it (null → '', true → 'true', 12.5 → '12.5'). */
export function asText(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(asText);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, asText(x)]));
  return String(v);
}
