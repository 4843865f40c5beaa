// What callers say, in the city's language: realistic free text for demo tickets, from the city
// package's descriptions.json (per category: how callers name the problem, what they add, which
// categories an operator confuses it with). Calls vary the way real ones do: an opening, a place,
// the problem in the caller's words (rarely the official category name), a detail, how long it has
// lasted, a closing; some mention a second problem, some carry a cue of a confusable category,
// some are too vague to classify, some are misspelt. A call whose words point at a confusable
// category may be dispatched there first, returned (退单) as not that unit's duty, and put right:
// plantMisdispatch writes that story into the ticket.
//
// Draws come from the describer's own random stream, so adding or changing descriptions never
// moves anything else the generator draws.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TicketKind } from '../../db/schema.ts';
import { Rng } from './random.ts';
import type { DemoDispatch, DemoEvent, DemoTicket } from './types.ts';

export const DESCRIPTIONS_FILE = 'descriptions.json';

const list = z.array(z.string());
const shareSchema = z
  .object({
    opening: z.number().min(0).max(1).default(0.45),
    place: z.number().min(0).max(1).default(0.6),
    detail: z.number().min(0).max(1).default(0.55),
    time: z.number().min(0).max(1).default(0.45),
    closing: z.number().min(0).max(1).default(0.55),
    /** A second, unrelated problem in the same call. */
    second: z.number().min(0).max(1).default(0.14),
    /** Too vague to tell the category. */
    vague: z.number().min(0).max(1).default(0.035),
    /** The caller only says what it does to them (a detail), never names the problem. */
    detailOnly: z.number().min(0).max(1).default(0.1),
    /** A cue of a confusable category mixed into the call. */
    nearCue: z.number().min(0).max(1).default(0.1),
    typo: z.number().min(0).max(1).default(0.3),
    /** Of the calls with a confusable cue (or vague), the share first dispatched to the wrong category's unit. */
    misdispatch: z.number().min(0).max(1).default(0.12),
  })
  .strict();

export const descriptionsSchema = z
  .object({
    note: z.string().optional(),
    locale: z.enum(['zh', 'en']),
    shares: shareSchema.default(shareSchema.parse({})),
    openings: list.min(1),
    kindOpenings: z.record(z.string(), list).default({}),
    places: list.min(1),
    times: list.min(1),
    closings: list.min(1),
    joiners: list.min(1),
    vague: list.min(1),
    /** [right, wrong] spellings; a misspelt call replaces one occurrence. */
    typos: z.array(z.tuple([z.string().min(1), z.string()])).default([]),
    categories: z.record(
      z.string(),
      z.object({ say: list.min(1), detail: list.default([]), near: list.default([]) }).strict(),
    ),
  })
  .strict();
export type DescriptionVocab = z.infer<typeof descriptionsSchema>;

/** The package's descriptions.json, or null when it has none. */
export function readDescriptions(dir: string): DescriptionVocab | null {
  const file = path.join(dir, DESCRIPTIONS_FILE);
  if (!fs.existsSync(file)) return null;
  try {
    return descriptionsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (e) {
    throw new Error(`${file}: ${e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message}`, { cause: e });
  }
}

export interface Described {
  text: string;
  /** A confusable category the call's words point at, which an operator may pick by mistake; null if none. */
  misleading: string | null;
  /** Whether this call was first dispatched under `misleading` (the describer's draw). */
  misdispatched: boolean;
}

export type Describer = (categoryCode: string, kind: TicketKind, fallback: string) => Described;

/**
 * A describer over the city's vocabulary: categories it does not know keep the generator's plain
 * line (`fallback`). `known` are the taxonomy's codes: confusable categories outside it are ignored.
 */
export function createDescriber(vocab: DescriptionVocab, seed: number, known: Iterable<string>): Describer {
  const rng = new Rng((seed ^ 0x5eed_d35c) >>> 0);
  const codes = new Set(known);
  const zh = vocab.locale === 'zh';
  const s = vocab.shares;
  const usable = Object.keys(vocab.categories).filter((c) => codes.has(c));
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const sentence = (parts: string[]) => (zh ? parts.join('，') : parts.join(', '));

  function misspell(text: string): string {
    const hits = vocab.typos.filter(([right]) => text.includes(right));
    if (hits.length === 0) return text;
    const [right, wrong] = pick(hits);
    return text.replace(right, wrong);
  }

  return (code, kind, fallback) => {
    const cat = vocab.categories[code];
    if (!cat || !codes.has(code)) return { text: fallback, misleading: null, misdispatched: false };
    const near = cat.near.filter((c) => codes.has(c) && vocab.categories[c]);
    let misleading: string | null = null;
    const parts: string[] = [];
    const opening =
      vocab.kindOpenings[kind]?.length && rng.chance(0.5)
        ? pick(vocab.kindOpenings[kind])
        : rng.chance(s.opening)
          ? pick(vocab.openings)
          : '';
    if (rng.chance(s.vague)) {
      // Vague: the caller never names the problem; at most a detail hints at it.
      parts.push(pick(vocab.vague));
      if (cat.detail.length && rng.chance(0.35)) parts.push(pick(cat.detail));
      if (near.length) misleading = pick(near);
    } else if (cat.detail.length && rng.chance(s.detailOnly)) {
      parts.push(
        rng.chance(s.place)
          ? zh
            ? `${pick(vocab.places)}${pick(cat.detail)}`
            : `${pick(cat.detail)} ${pick(vocab.places)}`
          : pick(cat.detail),
      );
      if (rng.chance(s.time)) parts.push(pick(vocab.times));
      if (near.length && rng.chance(s.nearCue)) misleading = pick(near);
    } else {
      const say = pick(cat.say);
      parts.push(rng.chance(s.place) ? (zh ? `${pick(vocab.places)}${say}` : `${say} ${pick(vocab.places)}`) : say);
      if (cat.detail.length && rng.chance(s.detail)) parts.push(pick(cat.detail));
      if (near.length && rng.chance(s.nearCue)) {
        // The caller's words also fit a confusable category (暖气不热 and 没热水; 装修 and 施工).
        misleading = pick(near);
        const other = vocab.categories[misleading];
        parts.push(rng.chance(0.5) && other.detail.length ? pick(other.detail) : pick(other.say));
      }
      if (rng.chance(s.time)) parts.push(pick(vocab.times));
    }
    let text = opening + sentence(parts);
    if (rng.chance(s.second) && usable.length > 1) {
      // Several problems in one call: the first is what the ticket is filed under.
      let other = pick(usable);
      if (other === code) other = pick(usable);
      if (other !== code) text += pick(vocab.joiners) + pick(vocab.categories[other].say);
    }
    if (rng.chance(s.closing)) text += (zh ? '，' : ', ') + pick(vocab.closings);
    text += zh ? '。' : '.';
    if (!zh) text = text.charAt(0).toUpperCase() + text.slice(1);
    if (rng.chance(s.typo)) text = misspell(text);
    const misdispatched = rng.chance(s.misdispatch) && misleading !== null;
    return { text, misleading, misdispatched };
  };
}

export interface MisdispatchInput {
  /** The category the operator first picked by mistake, and the unit it sent the ticket to. */
  wrongCategory: string;
  wrongUnit: { code: string; kind: 'department' | 'utility' };
  /** "Not our responsibility" in the city's language. */
  reason: string;
  now: number;
  /** Minutes from dispatch to the return, and from the return to the hotline's ruling. */
  returnMinutes: number;
  ruleMinutes: number;
}

/**
 * Writes a wrong dispatch (派错) into a dispatched ticket: the wrong category's unit got it in
 * parallel with the street, returned it as not its duty (a justified return), and the hotline put
 * the category right (a 'recategorized' event that changes no state, data {from, to}). Ids of the
 * ticket's events and dispatches are reassigned in time order from the ones it had plus the new
 * ones (`ids`), so ids keep following time within the ticket. Returns false (nothing changed) when
 * the ticket was not dispatched or the ruling would lie after `now`.
 */
export function plantMisdispatch(
  t: DemoTicket,
  m: MisdispatchInput,
  ids: { event(): number; dispatch(): number },
): boolean {
  if (t.dispatchedAt === null || t.dispatches.length === 0) return false;
  if (t.dispatches.some((d) => d.unitCode === m.wrongUnit.code)) return false;
  const dispatchedAt = t.dispatchedAt;
  const returnedAt = dispatchedAt + Math.round(m.returnMinutes * 60_000);
  const ruledAt = returnedAt + Math.round(m.ruleMinutes * 60_000);
  if (ruledAt > m.now) return false;
  const wrong: DemoDispatch = {
    id: 0,
    ticketId: t.id,
    unitCode: m.wrongUnit.code,
    unitKind: m.wrongUnit.kind,
    role: 'line',
    dispatchedAt,
    acceptedAt: null,
    returnedAt,
    returnReason: m.reason,
    returnJustified: true,
    ruledAt,
    active: false,
  };
  // The unit's return: a marker (the street still holds the ticket, so its status does not change).
  const returned: DemoEvent = {
    id: 0,
    ticketId: t.id,
    at: returnedAt,
    type: 'returned',
    fromStatus: null,
    toStatus: null,
    actor: 'unit',
    unitCode: m.wrongUnit.code,
    note: m.reason,
    data: { role: 'line' },
  };
  const event: DemoEvent = {
    id: 0,
    ticketId: t.id,
    at: ruledAt,
    type: 'recategorized',
    fromStatus: null,
    toStatus: null,
    actor: 'hotline',
    unitCode: m.wrongUnit.code,
    note: m.reason,
    data: { from: m.wrongCategory, to: t.categoryCode, returnedAt, misdispatch: true },
  };
  const dispatchIds = [...t.dispatches.map((d) => d.id), ids.dispatch()].sort((a, b) => a - b);
  const eventIds = [...t.events.map((e) => e.id), ids.event(), ids.event()].sort((a, b) => a - b);
  const ds = [...t.dispatches, wrong].sort(
    (a, b) => a.dispatchedAt - b.dispatchedAt || (a.role === 'territorial' ? -1 : b.role === 'territorial' ? 1 : 0),
  );
  ds.forEach((d, i) => (d.id = dispatchIds[i]));
  const es = [...t.events, returned, event].sort((a, b) => a.at - b.at);
  es.forEach((e, i) => (e.id = eventIds[i]));
  t.dispatches = ds;
  t.events = es;
  t.returnCount += 1;
  t.updatedAt = Math.max(t.updatedAt, ruledAt);
  return true;
}

// --- the generator's hook ------------------------------------------------------------------------

/** The generator's describer: the city's vocabulary when its package has one, else the plain line. */
export function describerFor(
  settings: { descriptions: DescriptionVocab | null; categories: readonly { code: string }[] },
  seed: number,
): Describer {
  if (!settings.descriptions)
    return (_code, _kind, fallback) => ({ text: fallback, misleading: null, misdispatched: false });
  return createDescriber(
    settings.descriptions,
    seed,
    settings.categories.map((c) => c.code),
  );
}

/**
 * Plants the wrong dispatch the describer drew, when the misleading category's unit differs from
 * every unit the ticket went to (a department of the same duty would not return it). Timings are a
 * function of the ticket id, so no random draw of the generator moves.
 */
export function misdispatch(
  t: DemoTicket,
  wrongCategory: string,
  categories: ReadonlyMap<string, { departmentCode?: string | null }>,
  units: { units: ReadonlyMap<string, { kind: 'street' | 'department' | 'utility' }> },
  returnReasons: readonly string[],
  now: number,
  ids: { event(): number; dispatch(): number },
): boolean {
  const right = categories.get(t.categoryCode)?.departmentCode ?? null;
  const dept = categories.get(wrongCategory)?.departmentCode ?? null;
  if (!dept || dept === right) return false;
  const kind = units.units.get(dept)?.kind;
  if (kind !== 'department' && kind !== 'utility') return false;
  const h = new Rng((t.id * 2654435761) >>> 0);
  return plantMisdispatch(
    t,
    {
      wrongCategory,
      wrongUnit: { code: dept, kind },
      reason: returnReasons[1] ?? returnReasons[0] ?? 'not our duty',
      now,
      returnMinutes: 20 + h.next() * 400,
      ruleMinutes: 10 + h.next() * 180,
    },
    ids,
  );
}

/**
 * n calls without the rest of a demo (no places, times or life cycles): categories drawn by the
 * given weights, worded by the describer. For benchmarks and classifier tests at any size.
 */
export function sampleCalls(
  vocab: DescriptionVocab,
  weights: ReadonlyMap<string, number>,
  n: number,
  seed: number,
): { text: string; label: string }[] {
  const codes = [...weights.keys()].filter((c) => (weights.get(c) ?? 0) > 0 && vocab.categories[c]);
  const describe = createDescriber(vocab, seed, codes);
  const rng = new Rng((seed * 31 + 7) >>> 0);
  const cum: number[] = [];
  let total = 0;
  for (const c of codes) cum.push((total += weights.get(c) as number));
  const out: { text: string; label: string }[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[i] = { text: describe(codes[lo], 'complaint', '').text, label: codes[lo] };
  }
  return out;
}
