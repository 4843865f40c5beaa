// A POSTed request's attribute[code]=value answers checked against the service definition (pure):
// every code must be one of the service's variable attributes, required ones must be answered,
// and each value must be of the attribute's datatype (list values among its keys).
import type { Open311Attribute } from '../../data/city/manifest.ts';

export type AttributeValues = Record<string, string | string[]>;
export type AttributeResult = { ok: true; values: AttributeValues } | { ok: false; field: string; message: string };

const KEY = /^attribute\[([^\][]{1,100})\](\[\])?$/;

/** The attribute[code] and attribute[code][] fields of a parsed form, as code → values. */
export function attributeFields(form: Record<string, unknown>): Map<string, { values: string[]; multi: boolean }> {
  const out = new Map<string, { values: string[]; multi: boolean }>();
  for (const [k, raw] of Object.entries(form)) {
    const m = KEY.exec(k);
    if (!m) continue;
    const list = (Array.isArray(raw) ? raw : [raw])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.trim());
    const prev = out.get(m[1]!);
    out.set(m[1]!, { values: [...(prev?.values ?? []), ...list], multi: !!m[2] || (prev?.multi ?? false) });
  }
  return out;
}

/** A W3C date-time (2010-01-01T00:00:00Z, with an offset, or a date alone). */
export const isW3cInstant = (s: string) =>
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s));

export function validateAttributes(
  service: string,
  defs: readonly Open311Attribute[],
  given: ReturnType<typeof attributeFields>,
): AttributeResult {
  const byCode = new Map(defs.filter((d) => d.variable).map((d) => [d.code, d]));
  const values: AttributeValues = {};
  for (const [code, g] of given) {
    const field = `attribute[${code}]`;
    const def = byCode.get(code);
    if (!def) return { ok: false, field, message: `not an attribute of service ${service}` };
    const vs = g.values.filter((v) => v !== '');
    if (vs.length === 0) continue;
    if (def.datatype !== 'multivaluelist' && vs.length > 1)
      return { ok: false, field, message: `one value only (${def.datatype})` };
    const v = vs[0]!;
    switch (def.datatype) {
      case 'string':
        if (/[\r\n]/.test(v) || v.length > 500)
          return { ok: false, field, message: 'a string of at most 500 characters without line breaks' };
        break;
      case 'text':
        if (v.length > 4000) return { ok: false, field, message: 'at most 4000 characters' };
        break;
      case 'number':
        if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(v)) return { ok: false, field, message: 'not a number' };
        break;
      case 'datetime':
        if (!isW3cInstant(v)) return { ok: false, field, message: 'not a W3C date-time (e.g. 2010-01-01T00:00:00Z)' };
        break;
      case 'singlevaluelist':
      case 'multivaluelist': {
        const keys = new Set((def.values ?? []).map((x) => x.key));
        const bad = vs.find((x) => !keys.has(x));
        if (bad !== undefined)
          return { ok: false, field, message: `${JSON.stringify(bad)} is not one of ${[...keys].join(', ')}` };
        break;
      }
    }
    values[code] =
      def.datatype === 'multivaluelist' ? [...new Set(vs)] : def.datatype === 'number' ? String(Number(v)) : v;
  }
  for (const def of byCode.values()) {
    if (def.required && values[def.code] === undefined)
      return { ok: false, field: `attribute[${def.code}]`, message: 'required' };
  }
  return { ok: true, values };
}
