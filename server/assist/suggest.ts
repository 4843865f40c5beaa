// A call's suggestion: the model's top categories, each with the words that drove it and the units
// that would receive it at this spot — by the dispatch rule itself (server/lifecycle/dispatch.ts:
// territory, responsibility zones, the catalogue, parallel dispatch).
import type { Queryable } from '../../db/client.ts';
import type { SourceCrs } from '../../db/schema.ts';
import { dispatchTargets, type DispatchTarget } from '../lifecycle/dispatch.ts';
import { toWgs84 } from '../intake/normalise.ts';
import { suggest } from './classifier.ts';
import { activeModel } from './models.ts';

export interface SuggestedUnit extends DispatchTarget {
  nameZh: string | null;
  nameEn: string | null;
}

export interface CategorySuggestion {
  code: string;
  nameZh: string | null;
  nameEn: string | null;
  p: number;
  words: string[];
  /** Who would receive it here; empty without a located point. */
  units: SuggestedUnit[];
}

export interface CallSuggestion {
  /** The model version that answered; null: no model yet (nothing suggested). */
  version: number | null;
  suggestions: CategorySuggestion[];
  location: { districtCode: string | null; streetCode: string | null } | null;
}

export interface CallInput {
  text: string;
  lon?: number | null;
  lat?: number | null;
  crs?: SourceCrs;
}

export async function suggestForCall(db: Queryable, input: CallInput, k = 3): Promise<CallSuggestion> {
  const served = await activeModel(db);
  if (!served || !input.text.trim()) return { version: served?.version ?? null, suggestions: [], location: null };
  const top = suggest(served.model, input.text, k);
  const point = input.lon != null && input.lat != null ? toWgs84(input.lon, input.lat, input.crs ?? 'WGS84') : null;
  // One statement: the categories' catalogue entries, the zone claiming the point for each, the
  // street it falls in, and the names of every unit that could receive it.
  const rows = await db.query<{
    code: string;
    name_zh: string;
    name_en: string | null;
    department_code: string | null;
    parallel: boolean | null;
    department_kind: 'department' | 'utility' | null;
    department_zh: string | null;
    department_en: string | null;
    zone_code: string | null;
    zone_department: string | null;
    zone_kind: 'department' | 'utility' | null;
    zone_zh: string | null;
    zone_en: string | null;
    district_code: string | null;
    street_code: string | null;
    street_zh: string | null;
    street_en: string | null;
  }>(
    `WITH p AS (SELECT CASE WHEN $2::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326) END AS g),
          l AS (SELECT loc.district_code, loc.street_code, r.name_zh AS street_zh, r.name_en AS street_en
                FROM p CROSS JOIN LATERAL hotline_locate(p.g) loc LEFT JOIN regions r ON r.code = loc.street_code WHERE p.g IS NOT NULL)
     SELECT u.code, c.name_zh, c.name_en, c.department_code, c.parallel, d.kind AS department_kind, d.name_zh AS department_zh, d.name_en AS department_en,
            z.zone_code, z.department_code AS zone_department, zd.kind AS zone_kind, zd.name_zh AS zone_zh, zd.name_en AS zone_en,
            l.district_code, l.street_code, l.street_zh, l.street_en
     FROM unnest($1::text[]) WITH ORDINALITY u(code, ord)
     JOIN categories c ON c.code = u.code
     LEFT JOIN departments d ON d.code = c.department_code
     LEFT JOIN l ON true
     LEFT JOIN LATERAL (SELECT hz.* FROM p CROSS JOIN LATERAL hotline_zone(p.g, u.code) hz WHERE l.street_code IS NOT NULL) z ON true
     LEFT JOIN departments zd ON zd.code = z.department_code
     ORDER BY u.ord`,
    [top.map((t) => t.code), point?.[0] ?? null, point?.[1] ?? null],
  );
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const street = rows[0]?.street_code ?? null;
  const names = new Map<string, { nameZh: string | null; nameEn: string | null }>();
  for (const r of rows) {
    if (r.street_code) names.set(r.street_code, { nameZh: r.street_zh, nameEn: r.street_en });
    if (r.department_code) names.set(r.department_code, { nameZh: r.department_zh, nameEn: r.department_en });
    if (r.zone_department) names.set(r.zone_department, { nameZh: r.zone_zh, nameEn: r.zone_en });
  }
  const targets = top.map((t) => {
    const r = byCode.get(t.code);
    if (!r || !street) return [] as DispatchTarget[];
    const zone =
      r.zone_code && r.zone_department && r.zone_kind
        ? { code: r.zone_code, unitCode: r.zone_department, unitKind: r.zone_kind }
        : null;
    return dispatchTargets(street, zone, {
      department_code: r.department_code,
      department_kind: r.department_kind,
      parallel: r.parallel,
    });
  });
  return {
    version: served.version,
    suggestions: top.map((t, i) => ({
      code: t.code,
      nameZh: byCode.get(t.code)?.name_zh ?? null,
      nameEn: byCode.get(t.code)?.name_en ?? null,
      p: Math.round(t.p * 1000) / 1000,
      words: t.words,
      units: targets[i].map((d) => ({
        ...d,
        nameZh: names.get(d.unitCode)?.nameZh ?? null,
        nameEn: names.get(d.unitCode)?.nameEn ?? null,
      })),
    })),
    location: point ? { districtCode: rows[0]?.district_code ?? null, streetCode: street } : null,
  };
}

/** Records what the operator did with a suggestion (rank of the chosen category among those suggested, or null). */
export async function recordFeedback(
  db: Queryable,
  f: {
    ticketId: number | null;
    version: number | null;
    suggested: string[];
    chosen: string;
    unitSuggested: string | null;
    unitAccepted: boolean | null;
    username: string;
  },
): Promise<{ rank: number | null }> {
  const i = f.suggested.indexOf(f.chosen);
  const rank = i >= 0 && i < 3 ? i + 1 : null;
  await db.query(
    `INSERT INTO assist_feedback (ticket_id, model_version, suggested, chosen, rank, unit_suggested, unit_accepted, username) VALUES ($1, $2, $3::text[], $4, $5, $6, $7, $8)`,
    [f.ticketId, f.version, f.suggested, f.chosen, rank, f.unitSuggested, f.unitAccepted, f.username],
  );
  return { rank };
}
