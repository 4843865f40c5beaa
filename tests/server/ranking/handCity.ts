// A hand-built city and two months of tickets whose every rate, score and rank is worked out by
// hand below. Used by the ranking API test and the reports test.
//
// Regions: districts D1 910001 (pop 100,000), D2 910002 (pop 50,000); streets
//   S1 910001001 (10,000)  S2 910001002 (20,000)   in D1
//   S3 910002001 (10,000)  S4 910002002 (5,000)  S5 910002003 (10,000)   in D2
// Department dept_a, utility util_w. Every ticket is 'ordinary': respond within 2 h of receipt.
// Times are UTC; Beijing is UTC+8, so 2026-10-31T15:59:59Z is 23:59:59 on 31 October in Beijing.
//
// October 2026 (Beijing), default weights 0.10 / 0.45 / 0.45, basic = 0.8:
//   S1: dispatched {1,2,3,4}, in time {1,3,4}   → 75;  called back {1,2,3,5}, solved {1,3,5} → 75;
//       verdicts 1 sat, 2 dis, 3 basic, 5 sat → (2 + 0.8)/4 = 70;   score 7.5 + 33.75 + 31.5 = 72.75
//       volume {1,2,3,4,18} = 5 (19 is praise, not a demand; 5 was received in September)
//   S2: dispatched {7,8,14} (14 returned without reason and sent back: one ticket) all in time,
//       called back {7,8,14} solved and satisfied → 100; one unjustified return (14)
//   S5: dispatched {9,13}: 13 came after S3's JUSTIFIED return, so its 2 h run from S5's own
//       dispatch (due 05:20, accepted 04:30: in time) → 100, 100, 100 → 100 (tied first with S2)
//   S3: dispatched {10,11,12} (13 was returned with reason: not S3's), in time {10} → 33.33;
//       called back {10,11,12}, solved {10} → 33.33; verdicts basic, basic, dis → 53.33;
//       score 3.3333 + 15 + 24 = 42.3333 → 42.33;  volume {10,11,12,13} = 4 (13 is located in S3)
//   S4: nothing → unranked
//   Ranks: S2 1, S5 1, S1 3, S3 4, S4 —.
// September 2026: S1 {5,16} in time, 16 solved & satisfied → 100; S2 {17} → 100/100/80 → 91;
//   S3 {15} late, unsolved, dissatisfied → 0. Ranks S1 1, S2 2, S3 3.
//   Rank change in October: S1 −2, S2 +1, S3 −1, S5 and S4 none.
// Month boundaries: ticket 4 received and dispatched at 2026-10-31T15:59:59Z (October), called
//   back in November; ticket 6 received at 2026-10-31T16:00:00Z (November); ticket 5 received
//   in September and called back at 2026-10-31T15:59:59Z (October).
// Districts, October: D1 = S1 + S2: dispatched 7, in time 6, called back 7, solved 6, verdicts
//   5 sat / 1 basic / 1 dis → score (60 + 270 + 261)/7 = 84.428… → 84.43; volume 8; 1 return.
//   D2 = S3 + S5: dispatched 5, in time 3 → 60; called back 5, solved 3 → 60; 2 sat, 2 basic,
//   1 dis → 72; score 6 + 27 + 32.4 = 65.4; volume 5.
// Department dept_a (ticket 12, late, unsolved, dissatisfied) → 0; utility util_w (ticket 8) → 100.
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { parseTaxonomy, seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { parseRankingPolicy } from '../../../server/ranking/index.ts';

export const D1 = '910001';
export const D2 = '910002';
export const S1 = '910001001';
export const S2 = '910001002';
export const S3 = '910002001';
export const S4 = '910002002';
export const S5 = '910002003';

/** "Now" for the tests: November 2026 is still open, October closed. */
export const HAND_NOW = new Date('2026-11-20T10:00:00+08:00');
export const handClock = (): Date => HAND_NOW;

/** Classes sized for a five-street table; red zone after two months. */
export const HAND_POLICY = parseRankingPolicy({
  minCalledBack: 1,
  minCalledBackToRank: 1,
  advanced: { topN: 1 },
  progressing: { topN: 1 },
  rectification: { bottomN: 1 },
  governance: { topN: 1 },
  redZoneMonths: 2,
});

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const region = (
  level: string,
  code: string,
  nameZh: string,
  nameEn: string,
  parentCode: string | null,
  geometry: ReturnType<typeof box>,
  population: number,
) => ({
  type: 'Feature' as const,
  properties: { level, code, nameZh, nameEn, parentCode, population, synthetic: level !== 'district' },
  geometry,
});

export const HAND_CITY = {
  type: 'FeatureCollection',
  features: [
    region('district', D1, '东区', 'East', null, box(116.0, 39.0, 116.2, 39.1), 100_000),
    region('district', D2, '西区', 'West', null, box(116.2, 39.0, 116.5, 39.1), 50_000),
    region('street', S1, '东一街道', 'East One', D1, box(116.0, 39.0, 116.1, 39.1), 10_000),
    region('street', S2, '东二街道', 'East Two', D1, box(116.1, 39.0, 116.2, 39.1), 20_000),
    region('street', S3, '西一街道', 'West One', D2, box(116.2, 39.0, 116.3, 39.1), 10_000),
    region('street', S4, '西二街道', 'West Two', D2, box(116.3, 39.0, 116.4, 39.1), 5_000),
    region('street', S5, '西三街道', 'West Three', D2, box(116.4, 39.0, 116.5, 39.1), 10_000),
  ],
};

export const HAND_TAXONOMY = parseTaxonomy({
  departments: [
    { code: 'dept_a', kind: 'department', nameZh: '市甲局', nameEn: 'Bureau A' },
    { code: 'util_w', kind: 'utility', nameZh: '自来水公司', nameEn: 'Water Company' },
  ],
  groups: [
    { code: 'noise', nameZh: '噪声', nameEn: 'Noise' },
    { code: 'water', nameZh: '供水', nameEn: 'Water supply' },
  ],
  categories: [
    {
      code: 'noise.construction',
      groupCode: 'noise',
      nameZh: '施工噪声',
      nameEn: 'Construction noise',
      urgency: 'ordinary',
      departmentCode: null,
      parallel: false,
    },
    {
      code: 'water.outage',
      groupCode: 'water',
      nameZh: '停水',
      nameEn: 'Water outage',
      urgency: 'ordinary',
      departmentCode: 'util_w',
      parallel: true,
    },
    {
      code: 'water.permit',
      groupCode: 'water',
      nameZh: '用水审批',
      nameEn: 'Water permits',
      urgency: 'ordinary',
      departmentCode: 'dept_a',
      parallel: true,
    },
  ],
});

type Verdict = 'satisfied' | 'basic' | 'dissatisfied';

export interface HandTicket {
  id: number;
  /** Street the ticket is located in (null: address only). */
  street: string | null;
  kind?: 'complaint' | 'consultation' | 'praise';
  category?: string;
  received: string;
  /** Territorial dispatch (none for tickets answered on the call). */
  dispatched?: string;
  accepted?: string | null;
  callback?: string;
  solved?: boolean | null;
  verdict?: Verdict | null;
  /** Parallel dispatch to a department or utility at the same time as the street. */
  line?: { unit: string; kind: 'department' | 'utility'; accepted: string | null };
  /** The first street returned it; the hotline ruled and re-dispatched to `to`, which accepted at `accepted`. */
  returned?: { at: string; justified: boolean; ruled: string; to: string; accepted: string };
}

const d = (day: string, time: string) => `2026-${day}T${time}:00Z`;

export const HAND_TICKETS: HandTicket[] = [
  {
    id: 1,
    street: S1,
    received: d('10-05', '02:00'),
    dispatched: d('10-05', '02:10'),
    accepted: d('10-05', '02:40'),
    callback: d('10-07', '02:00'),
    solved: true,
    verdict: 'satisfied',
  },
  {
    id: 2,
    street: S1,
    received: d('10-06', '02:00'),
    dispatched: d('10-06', '02:10'),
    accepted: d('10-06', '05:00'),
    callback: d('10-09', '02:00'),
    solved: false,
    verdict: 'dissatisfied',
  },
  {
    id: 3,
    street: S1,
    received: d('10-08', '02:00'),
    dispatched: d('10-08', '02:10'),
    accepted: d('10-08', '02:30'),
    callback: d('10-10', '02:00'),
    solved: true,
    verdict: 'basic',
  },
  {
    id: 4,
    street: S1,
    received: '2026-10-31T15:59:59Z',
    dispatched: '2026-10-31T15:59:59Z',
    accepted: d('10-31', '16:20'),
    callback: d('11-01', '02:00'),
    solved: true,
    verdict: 'satisfied',
  },
  {
    id: 5,
    street: S1,
    received: d('09-28', '02:00'),
    dispatched: d('09-28', '02:10'),
    accepted: d('09-28', '02:30'),
    callback: '2026-10-31T15:59:59Z',
    solved: true,
    verdict: 'satisfied',
  },
  {
    id: 6,
    street: S1,
    received: '2026-10-31T16:00:00Z',
    dispatched: '2026-10-31T16:00:00Z',
    accepted: d('10-31', '16:30'),
    callback: d('11-03', '02:00'),
    solved: true,
    verdict: 'satisfied',
  },
  {
    id: 7,
    street: S2,
    received: d('10-10', '02:00'),
    dispatched: d('10-10', '02:10'),
    accepted: d('10-10', '02:20'),
    callback: d('10-12', '02:00'),
    solved: true,
    verdict: 'satisfied',
  },
  {
    id: 8,
    street: S2,
    category: 'water.outage',
    received: d('10-11', '02:00'),
    dispatched: d('10-11', '02:10'),
    accepted: d('10-11', '02:20'),
    callback: d('10-13', '02:00'),
    solved: true,
    verdict: 'satisfied',
    line: { unit: 'util_w', kind: 'utility', accepted: d('10-11', '03:00') },
  },
  {
    id: 9,
    street: S5,
    received: d('10-12', '02:00'),
    dispatched: d('10-12', '02:10'),
    accepted: d('10-12', '02:20'),
    callback: d('10-14', '02:00'),
    solved: true,
    verdict: 'satisfied',
  },
  {
    id: 10,
    street: S3,
    received: d('10-13', '02:00'),
    dispatched: d('10-13', '02:10'),
    accepted: d('10-13', '02:20'),
    callback: d('10-15', '02:00'),
    solved: true,
    verdict: 'basic',
  },
  {
    id: 11,
    street: S3,
    received: d('10-14', '02:00'),
    dispatched: d('10-14', '02:10'),
    accepted: d('10-14', '06:00'),
    callback: d('10-16', '02:00'),
    solved: false,
    verdict: 'basic',
  },
  {
    id: 12,
    street: S3,
    category: 'water.permit',
    received: d('10-15', '02:00'),
    dispatched: d('10-15', '02:10'),
    accepted: d('10-16', '01:00'),
    callback: d('10-20', '02:00'),
    solved: false,
    verdict: 'dissatisfied',
    line: { unit: 'dept_a', kind: 'department', accepted: d('10-15', '05:00') },
  },
  {
    id: 13,
    street: S3,
    received: d('10-16', '02:00'),
    dispatched: d('10-16', '02:10'),
    callback: d('10-18', '02:00'),
    solved: true,
    verdict: 'satisfied',
    returned: {
      at: d('10-16', '02:50'),
      justified: true,
      ruled: d('10-16', '03:30'),
      to: S5,
      accepted: d('10-16', '04:30'),
    },
  },
  {
    id: 14,
    street: S2,
    received: d('10-20', '02:00'),
    dispatched: d('10-20', '02:10'),
    callback: d('10-22', '02:00'),
    solved: true,
    verdict: 'satisfied',
    returned: {
      at: d('10-20', '02:40'),
      justified: false,
      ruled: d('10-20', '03:00'),
      to: S2,
      accepted: d('10-20', '03:10'),
    },
  },
  {
    id: 15,
    street: S3,
    received: d('09-10', '02:00'),
    dispatched: d('09-10', '02:10'),
    accepted: d('09-10', '05:00'),
    callback: d('09-12', '02:00'),
    solved: false,
    verdict: 'dissatisfied',
  },
  {
    id: 16,
    street: S1,
    received: d('09-11', '02:00'),
    dispatched: d('09-11', '02:10'),
    accepted: d('09-11', '02:20'),
    callback: d('09-13', '02:00'),
    solved: true,
    verdict: 'satisfied',
  },
  {
    id: 17,
    street: S2,
    received: d('09-12', '02:00'),
    dispatched: d('09-12', '02:10'),
    accepted: d('09-12', '02:20'),
    callback: d('09-14', '02:00'),
    solved: true,
    verdict: 'basic',
  },
  { id: 18, street: S1, kind: 'consultation', received: d('10-20', '02:00') },
  { id: 19, street: S1, kind: 'praise', received: d('10-21', '02:00') },
  { id: 20, street: null, kind: 'consultation', received: d('10-22', '02:00') },
];

const MS_MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

export async function loadHandCity(db: Database): Promise<void> {
  const report = await importRegions(db, HAND_CITY, {
    crs: 'WGS84',
    replace: true,
    source: 'tests/server/ranking/handCity.ts',
  });
  if (!report.ok) throw new Error(JSON.stringify(report.errors));
  await seedTaxonomy(db, HAND_TAXONOMY);
  let dispatchId = 0;
  for (const t of HAND_TICKETS) {
    const received = Date.parse(t.received);
    const district = t.street === null ? null : t.street.slice(0, 6);
    const status = t.callback ? 'closed' : t.dispatched ? 'accepted' : 'closed';
    await db.query(
      `INSERT INTO tickets (id, kind, channel, category_code, urgency, description, location_status, district_code, street_code,
                            status, received_at, dispatched_at, accepted_at, callback_at, closed_at, respond_due_at, resolve_due_at,
                            solved, satisfaction, return_count, replied_at)
       VALUES ($1, $2, 'phone', $3, 'ordinary', '测试', $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16,
               $11::timestamptz - interval '1 hour')`,
      [
        t.id,
        t.kind ?? 'complaint',
        t.category ?? 'noise.construction',
        t.street ? 'located' : 'unlocated',
        district,
        t.street,
        status,
        t.received,
        t.dispatched ?? null,
        t.accepted ?? t.returned?.accepted ?? null,
        t.callback ?? null,
        t.dispatched ? iso(received + 120 * MS_MINUTE) : null,
        t.dispatched ? iso(received + 7 * 24 * 60 * MS_MINUTE) : null,
        t.callback ? (t.solved ?? null) : null,
        t.callback ? (t.verdict ?? null) : null,
        t.returned ? 1 : 0,
      ],
    );
    if (!t.dispatched || t.street === null) continue;
    const insert = (
      unit: string,
      kind: string,
      role: string,
      at: string,
      accepted: string | null,
      ret?: HandTicket['returned'],
    ) =>
      db.query(
        `INSERT INTO dispatches (id, ticket_id, unit_code, unit_kind, role, dispatched_at, accepted_at, returned_at, return_reason,
                                 return_justified, ruled_at, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          ++dispatchId,
          t.id,
          unit,
          kind,
          role,
          at,
          accepted,
          ret?.at ?? null,
          ret ? '非本辖区' : null,
          ret?.justified ?? null,
          ret?.ruled ?? null,
          !ret,
        ],
      );
    if (t.returned) {
      await insert(t.street, 'street', 'territorial', t.dispatched, null, t.returned);
      await insert(t.returned.to, 'street', 'territorial', t.returned.ruled, t.returned.accepted);
    } else {
      await insert(t.street, 'street', 'territorial', t.dispatched, t.accepted ?? null);
    }
    if (t.line) await insert(t.line.unit, t.line.kind, 'line', t.dispatched, t.line.accepted);
  }
}
