// The knowledge base (知识库): each unit's duties by category (written from the dispatch catalogue
// and the responsibility zones), policy and regulation entries (the city package's knowledge.json),
// and classic cases (closed tickets a dispatcher marks as exemplary, personal data removed).
// Full-text search in the city's language: Chinese is indexed and queried as jieba search terms
// under the 'simple' configuration, other languages under their own configuration ('english' …),
// on PGlite and PostgreSQL alike. Writes are audited by the route.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Queryable } from '../../db/client.ts';
import { CITIES_DIR } from '../../data/demo/profile.ts';
import { activeCity, readStoredCity } from '../city.ts';
import { langOf, searchTerms, type Lang } from './tokenize.ts';

export const KB_KINDS = ['duty', 'policy', 'case'] as const;
export type KbKind = (typeof KB_KINDS)[number];
export const KNOWLEDGE_FILE = 'knowledge.json';

export interface KbEntry {
  id: number;
  kind: KbKind;
  title: string;
  body: string;
  /** The category it guides (a category code), if any. Named `category`, not categoryCode: an entry is not a ticket. */
  category: string | null;
  /** The unit it describes (a department, utility or street code), if any. */
  unit: string | null;
  /** The closed ticket a case was written from (city-wide roles only). */
  ticketId?: number | null;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const kbEntryBody = z
  .object({
    kind: z.enum(['duty', 'policy']),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(4000),
    category: z.string().min(1).max(100).nullish(),
    unit: z.string().min(1).max(100).nullish(),
  })
  .strict();
export const kbPatchBody = kbEntryBody.partial().omit({ kind: true }).strict();
export const kbCaseBody = z
  .object({
    ticketId: z.number().int().positive().max(999_999_999_999_999),
    title: z.string().trim().min(1).max(200).optional(),
    note: z.string().trim().max(4000).optional(),
  })
  .strict();

const lang = (): Lang => langOf(activeCity()?.locale ?? 'zh');

/** The text search configuration for the city's language (PostgreSQL ships these on both engines). */
export function searchConfig(l: Lang = lang(), locale = activeCity()?.locale ?? 'zh'): string {
  if (l === 'zh') return 'simple';
  const two = locale.toLowerCase().slice(0, 2);
  return (
    (
      {
        en: 'english',
        fr: 'french',
        de: 'german',
        es: 'spanish',
        it: 'italian',
        pt: 'portuguese',
        nl: 'dutch',
        ru: 'russian',
      } as Record<string, string>
    )[two] ?? 'simple'
  );
}

/** What the index holds for a text: jieba search terms for Chinese, the text itself otherwise. */
function indexText(text: string, l: Lang): string {
  return l === 'zh' ? searchTerms(text, 'zh').join(' ') : text;
}

/** A tsquery source: any of the query's terms (ranked by how many and where), only letters and digits. */
export function queryText(q: string, l: Lang): string | null {
  const terms = [
    ...new Set(
      searchTerms(q, l)
        .map((t) => t.replace(/[^\p{L}\p{N}]/gu, ''))
        .filter(Boolean),
    ),
  ].slice(0, 32);
  return terms.length ? terms.join(' | ') : null;
}

const COLUMNS = `id, kind, title, body, category_code AS "category", unit_code AS "unit", ticket_id::float8 AS "ticketId",
  created_by AS "createdBy", updated_by AS "updatedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

const vector = (titleParam: number, bodyParam: number, cfgParam: number) =>
  `setweight(to_tsvector($${cfgParam}::regconfig, $${titleParam}), 'A') || setweight(to_tsvector($${cfgParam}::regconfig, $${bodyParam}), 'B')`;

export async function createEntry(
  db: Queryable,
  e: {
    kind: KbKind;
    title: string;
    body: string;
    category?: string | null;
    unit?: string | null;
    ticketId?: number | null;
  },
  username: string,
): Promise<KbEntry> {
  const l = lang();
  const [row] = await db.query<KbEntry>(
    `INSERT INTO kb_entries (kind, title, body, category_code, unit_code, ticket_id, search, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, ${vector(7, 8, 9)}, $10, $10) RETURNING ${COLUMNS}`,
    [
      e.kind,
      e.title,
      e.body,
      e.category ?? null,
      e.unit ?? null,
      e.ticketId ?? null,
      indexText(e.title, l),
      indexText(e.body, l),
      searchConfig(l),
      username,
    ],
  );
  return row;
}

export async function updateEntry(
  db: Queryable,
  id: number,
  patch: z.infer<typeof kbPatchBody>,
  username: string,
): Promise<KbEntry | null> {
  const [cur] = await db.query<KbEntry>(`SELECT ${COLUMNS} FROM kb_entries WHERE id = $1`, [id]);
  if (!cur) return null;
  const next = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as KbEntry;
  const l = lang();
  const [row] = await db.query<KbEntry>(
    `UPDATE kb_entries SET title = $2, body = $3, category_code = $4, unit_code = $5, search = ${vector(6, 7, 8)}, updated_by = $9, updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      next.title,
      next.body,
      next.category,
      next.unit,
      indexText(next.title, l),
      indexText(next.body, l),
      searchConfig(l),
      username,
    ],
  );
  return row ?? null;
}

export async function deleteEntry(db: Queryable, id: number): Promise<KbEntry | null> {
  const [row] = await db.query<KbEntry>(`DELETE FROM kb_entries WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
  return row ?? null;
}

export async function getEntry(db: Queryable, id: number): Promise<KbEntry | null> {
  const [row] = await db.query<KbEntry>(`SELECT ${COLUMNS} FROM kb_entries WHERE id = $1`, [id]);
  return row ?? null;
}

export interface KbHit extends KbEntry {
  rank: number;
}

/**
 * Entries matching a query (any of its terms, best ranked first), or the latest when q is empty;
 * optionally of one kind or category (a category's own entries first).
 */
export async function searchEntries(
  db: Queryable,
  opts: { q?: string; kind?: KbKind; category?: string; limit: number },
): Promise<KbHit[]> {
  const l = lang();
  const params: unknown[] = [];
  const where: string[] = [];
  let rank = '0';
  const qt = opts.q ? queryText(opts.q, l) : null;
  if (opts.q && !qt) return [];
  if (qt) {
    params.push(searchConfig(l), qt, qt.split(' | '));
    where.push(`search @@ to_tsquery($1::regconfig, $2)`);
    // How many of the query's terms an entry holds first, then how well (title terms weigh more).
    rank = `(SELECT count(*) FROM unnest($3::text[]) q WHERE search @@ to_tsquery($1::regconfig, q)) + ts_rank(search, to_tsquery($1::regconfig, $2))`;
  }
  if (opts.kind) where.push(`kind = $${params.push(opts.kind)}`);
  let categoryFirst = '';
  if (opts.category) {
    const p = params.push(opts.category);
    if (!qt) where.push(`(category_code = $${p} OR category_code IS NULL AND kind = 'policy')`);
    categoryFirst = `(category_code IS NOT DISTINCT FROM $${p}) DESC, `;
  }
  params.push(opts.limit);
  return db.query<KbHit>(
    `SELECT ${COLUMNS}, ${rank}::float8 AS rank FROM kb_entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${categoryFirst}${qt ? 'rank DESC, ' : ''}updated_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
}

// --- classic cases ------------------------------------------------------------------------------

export class CaseRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const PHONE = /\+?\(?\d[\d\s().-]{6,}\d/g;
const ID_CARD = /\b\d{17}[\dXx]\b/g;

/** A text without the caller's name, phone numbers, ID numbers or house numbers. Pure. */
export function anonymise(text: string, callerName: string | null, zh: boolean): string {
  let t = text.replace(ID_CARD, '****').replace(PHONE, '****');
  if (callerName && callerName.trim().length >= 2) {
    const name = callerName.trim();
    t = t.split(name).join(zh ? name[0] + '*'.repeat([...name].length - 1) : '***');
    // A Western name: its parts too.
    if (!zh) for (const part of name.split(/\s+/).filter((p) => p.length >= 3)) t = t.split(part).join('***');
  }
  // Building, unit and house numbers say who called.
  t = zh ? t.replace(/\d+号楼|\d+单元|\d+号院?|\d+室/g, '**') : t.replace(/\b(apt|apartment|unit)\s*\w+/gi, '$1 **');
  return t;
}

/** Writes a closed ticket as a classic case: category, what was asked (anonymised), where (street), how it was resolved. */
export async function caseFromTicket(
  db: Queryable,
  input: z.infer<typeof kbCaseBody>,
  username: string,
): Promise<KbEntry> {
  const [t] = await db.query<{
    id: number;
    status: string;
    category_code: string;
    cat_zh: string;
    cat_en: string | null;
    description: string | null;
    street: string | null;
    street_en: string | null;
    district: string | null;
    district_en: string | null;
    caller: string | null;
    reply: string | null;
    unit: string | null;
  }>(
    `SELECT t.id::float8 AS id, t.status, t.category_code, c.name_zh AS cat_zh, c.name_en AS cat_en, t.description,
            s.name_zh AS street, s.name_en AS street_en, d.name_zh AS district, d.name_en AS district_en, tc.name AS caller,
            (SELECT e.note FROM ticket_events e WHERE e.ticket_id = t.id AND e.type IN ('replied', 'closed') AND e.note IS NOT NULL ORDER BY e.at DESC LIMIT 1) AS reply,
            (SELECT x.unit_code FROM dispatches x WHERE x.ticket_id = t.id AND x.active ORDER BY x.dispatched_at LIMIT 1) AS unit
     FROM tickets t JOIN categories c ON c.code = t.category_code
     LEFT JOIN regions s ON s.code = t.street_code LEFT JOIN regions d ON d.code = t.district_code
     LEFT JOIN ticket_callers tc ON tc.ticket_id = t.id
     WHERE t.id = $1`,
    [input.ticketId],
  );
  if (!t) throw new CaseRefused('ticketId', `ticketId: no ticket ${input.ticketId}`);
  if (t.status !== 'closed')
    throw new CaseRefused(
      'ticketId',
      `ticketId: ticket ${input.ticketId} is ${t.status}; only a closed ticket becomes a classic case`,
    );
  const zh = lang() === 'zh';
  const where = zh
    ? [t.district, t.street].filter(Boolean).join('')
    : [t.street_en ?? t.street, t.district_en ?? t.district].filter(Boolean).join(', ');
  const asked = anonymise(t.description ?? '', t.caller, zh);
  const note = input.note ? anonymise(input.note, t.caller, zh) : null;
  const reply = t.reply ? anonymise(t.reply, t.caller, zh) : null;
  const body = zh
    ? [`诉求：${asked}`, where && `地点：${where}`, reply && `办理：${reply}`, note && `经验：${note}`]
        .filter(Boolean)
        .join('\n')
    : [`Request: ${asked}`, where && `Where: ${where}`, reply && `Resolution: ${reply}`, note && `Lesson: ${note}`]
        .filter(Boolean)
        .join('\n');
  const title =
    input.title ??
    (zh ? `典型案例：${t.cat_zh}（${where || '本市'}）` : `Classic case: ${t.cat_en ?? t.cat_zh} (${where || 'city'})`);
  const [exists] = await db.query<{ id: number }>(`SELECT id FROM kb_entries WHERE kind = 'case' AND ticket_id = $1`, [
    t.id,
  ]);
  if (exists) throw new CaseRefused('ticketId', `ticketId: ticket ${t.id} is already case ${exists.id}`);
  return createEntry(
    db,
    { kind: 'case', title, body, category: t.category_code, unit: t.unit, ticketId: t.id },
    username,
  );
}

// --- seeding from the catalogue and the city package -----------------------------------------------

const knowledgeSchema = z.object({
  note: z.string().optional(),
  entries: z.array(
    z
      .object({
        title: z.string().min(1),
        body: z.string().min(1),
        categoryCode: z.string().nullish(),
        unitCode: z.string().nullish(),
      })
      .strict(),
  ),
});

/** The city package folder the stored city came from (or its bundled copy). */
async function packageDir(db: Queryable): Promise<string | null> {
  const stored = await readStoredCity(db);
  if (!stored) return null;
  for (const d of [stored.source?.dir, path.join(CITIES_DIR, stored.manifest.code)])
    if (d && fs.existsSync(path.join(d, 'city.json'))) return path.resolve(d);
  return null;
}

/**
 * Fills an empty knowledge base: one duty entry per department or utility (the categories the
 * catalogue sends it, in parallel or alone, and the responsibility zones it owns), one for the
 * streets (属地), and the policy entries of the package's knowledge.json. Does nothing when the
 * knowledge base holds any entry. Returns how many entries it wrote.
 */
export async function seedKnowledgeBase(db: Queryable, dir?: string | null): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM kb_entries`);
  if (n > 0) return 0;
  const zh = lang() === 'zh';
  type UnitRow = {
    code: string;
    name_zh: string;
    name_en: string | null;
    kind: string;
    cats: { code: string; zh: string; en: string | null; parallel: boolean }[] | null;
    zones: string[] | null;
  };
  const units = await db.query<UnitRow>(
    `SELECT d.code, d.name_zh, d.name_en, d.kind,
            (SELECT json_agg(json_build_object('code', c.code, 'zh', c.name_zh, 'en', c.name_en, 'parallel', c.parallel) ORDER BY c.code) FROM categories c WHERE c.department_code = d.code) AS cats,
            (SELECT array_agg(${zh ? 'z.name_zh' : 'z.name_en'} ORDER BY z.code) FROM responsibility_zones z WHERE z.department_code = d.code) AS zones
     FROM departments d ORDER BY d.code`,
  );
  let written = 0;
  for (const u of units) {
    const cats = u.cats ?? [];
    if (cats.length === 0 && !(u.zones ?? []).length) continue;
    const name = zh ? u.name_zh : (u.name_en ?? u.name_zh);
    const lines = cats.map((c) =>
      zh
        ? `· ${c.zh}（${c.code}）：${c.parallel ? '与属地街乡镇并行派单，本单位承办行业职责' : '由属地街乡镇主办，本单位负责政策与行业指导'}`
        : `· ${c.en ?? c.zh} (${c.code}): ${c.parallel ? 'dispatched in parallel with the local area; this agency does the work' : 'the local area leads; this agency answers for policy and standards'}`,
    );
    if (u.zones?.length)
      lines.push(
        zh
          ? `责任区：${u.zones.join('、')}（区内相关诉求由本单位属地承办）`
          : `Responsibility zones: ${u.zones.join(', ')} (it takes the territorial role inside them)`,
      );
    await createEntry(
      db,
      { kind: 'duty', title: zh ? `${name}职责清单` : `${name}: duties`, body: lines.join('\n'), unit: u.code },
      'system',
    );
    written++;
  }
  const [streets] = await db.query<{ cats: string | null }>(
    zh
      ? `SELECT string_agg(name_zh, '、' ORDER BY code) AS cats FROM categories WHERE department_code IS NULL`
      : `SELECT string_agg(coalesce(name_en, name_zh), ', ' ORDER BY code) AS cats FROM categories WHERE department_code IS NULL`,
  );
  await createEntry(
    db,
    zh
      ? {
          kind: 'duty',
          title: '街乡镇属地职责',
          body: `每件有位置的诉求先派给所在街乡镇（属地）；责任区覆盖的诉求由责任区单位承办；目录标明并行的类别同时派给行业部门。${streets?.cats ? `\n仅由属地承办的类别：${streets.cats}` : ''}`,
        }
      : {
          kind: 'duty',
          title: 'Local areas: territorial duty',
          body: `Every located request goes first to the local area it falls in; a responsibility zone's agency takes it inside the zone; categories the catalogue marks parallel also go to their agency.${streets?.cats ? `\nHandled by the local area alone: ${streets.cats}` : ''}`,
        },
    'system',
  );
  written++;
  const d = dir === undefined ? await packageDir(db) : dir;
  const file = d ? path.join(d, KNOWLEDGE_FILE) : null;
  if (file && fs.existsSync(file)) {
    const k = knowledgeSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    for (const e of k.entries) {
      await createEntry(
        db,
        {
          kind: 'policy',
          title: e.title,
          body: e.body,
          category: e.categoryCode ?? null,
          unit: e.unitCode ?? null,
        },
        'system',
      );
      written++;
    }
  }
  return written;
}
