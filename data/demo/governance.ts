// Planted governance truth for the demo (issue 14): two adopted topics (每月一题) over the last
// year of the demo data, one that worked and one that did not, plus the key-problem ledger rolled up
// from the deferred tickets. Runs after the demo tickets are loaded (server/demo.ts, the browser
// tests' database); the analysis must call the first 'effective' and the second not.
//
// - Windows: the last 12 complete months of the data; before = the first 6, after = the last 6.
// - Categories: the two busiest categories for the effective topic, the next two for the other.
// - Areas: the busiest district for the effective topic, the second busiest for the other.
// - The effect: `EFFECT_SHARE` of the effective topic's complaints in its area during the after
//   window are removed (every ticket whose id mod 20 < 12: deterministic, spread evenly) — the
//   complaints the work prevented. Nothing is changed for the other topic: its after window is what
//   the city would have had anyway.
// - Deferrals (挂账): the generator defers nothing, so a few are planted for the key-problem
//   ledger: one in 151 tickets that took more than 4 hours between acceptance and reply was on the
//   ledger in between (a 'deferred' event an hour after acceptance, 'undeferred' an hour before the
//   reply), and one in 9 of the tickets still being worked is deferred now, for 90 days.
// The choice and the removed count are stored in meta 'demo_governance'.
import type { Database } from '../../db/client.ts';
import type { Principal } from '../../server/auth/principal.ts';
import { CITY } from '../../server/auth/principal.ts';
import { createTopic } from '../../server/governance/topics.ts';
import { syncLedger } from '../../server/governance/ledger.ts';
import { monthIndex, monthKeyOf } from '../../server/analysis/calendar.ts';
import { cityTimeZone } from '../../server/time.ts';

export const EFFECT_SHARE = 12 / 20;
export const DEMO_GOVERNANCE_KEY = 'demo_governance';

const DEMO_PLANNER: Principal = {
  kind: 'api',
  id: 0,
  username: 'demo',
  displayName: 'demo',
  role: 'analyst',
  scope: CITY,
  sessionHash: '',
  csrfToken: '',
};

export interface PlantedTopics {
  effective: { id: number; area: string; categories: string[]; removed: number };
  ineffective: { id: number; area: string; categories: string[] };
  before: { from: string; to: string };
  after: { from: string; to: string };
}

const PLANS = [
  '历史遗留问题，需协调产权单位',
  '涉及规划调整，列入年度计划',
  '资金未落实，纳入下年度预算',
  '需多部门联合处置，已专题调度',
];

async function plantDeferrals(db: Database): Promise<void> {
  const plan = `(ARRAY[${PLANS.map((p) => `'${p}'`).join(',')}])[(t.id % ${PLANS.length}) + 1]`;
  await db.query(
    `INSERT INTO ticket_events (ticket_id, at, type, from_status, to_status, actor, unit_code, data)
     SELECT t.id, t.accepted_at + interval '1 hour', 'deferred', 'accepted', 'deferred', 'unit', d.unit_code,
            jsonb_build_object('until', to_char((t.replied_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'plan', ${plan})
     FROM tickets t LEFT JOIN LATERAL (SELECT unit_code FROM dispatches WHERE ticket_id = t.id ORDER BY id LIMIT 1) d ON true
     WHERE t.kind <> 'proactive' AND t.accepted_at IS NOT NULL AND t.replied_at > t.accepted_at + interval '4 hours' AND t.id % 151 = 0
     UNION ALL
     SELECT t.id, t.replied_at - interval '1 hour', 'undeferred', 'deferred', 'accepted', 'hotline', NULL, NULL
     FROM tickets t
     WHERE t.kind <> 'proactive' AND t.accepted_at IS NOT NULL AND t.replied_at > t.accepted_at + interval '4 hours' AND t.id % 151 = 0`,
  );
  const open = await db.query<{ id: number; status: string; at: string }>(
    `UPDATE tickets t SET status = 'deferred', deferred_until = now() + interval '90 days', updated_at = now()
     FROM (SELECT id, status, COALESCE(accepted_at, dispatched_at, received_at) AS at FROM tickets
           WHERE status IN ('accepted','in_progress') AND kind <> 'proactive' AND id % 9 = 0) o
     WHERE t.id = o.id RETURNING t.id::int AS id, o.status, o.at::text AS at`,
  );
  if (open.length === 0) return;
  await db.query(
    `INSERT INTO ticket_events (ticket_id, at, type, from_status, to_status, actor, unit_code, data)
     SELECT t.id, o.at::timestamptz + interval '1 hour', 'deferred', o.status, 'deferred', 'unit', d.unit_code,
            jsonb_build_object('until', to_char((t.deferred_until AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'plan', ${plan})
     FROM jsonb_to_recordset($1::jsonb) AS o(id bigint, status text, at text) JOIN tickets t ON t.id = o.id
     LEFT JOIN LATERAL (SELECT unit_code FROM dispatches WHERE ticket_id = t.id AND active ORDER BY id DESC LIMIT 1) d ON true`,
    [JSON.stringify(open)],
  );
}

export async function plantGovernanceDemo(db: Database, opts: { today?: Date } = {}): Promise<PlantedTopics | null> {
  const zone = cityTimeZone();
  const [span] = await db.query<{ last: string | null }>(
    `SELECT to_char(max(received_at) AT TIME ZONE $1, 'YYYY-MM-DD') AS last FROM tickets`,
    [zone],
  );
  if (!span?.last) return null;
  const lastDay = span.last;
  // The last complete month: the data's own month when it ends on its last day, else the one before.
  const nextDay = new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const lastComplete = monthIndex(nextDay) - 1;
  const before = { from: monthKeyOf(lastComplete - 11), to: monthKeyOf(lastComplete - 6) };
  const after = { from: monthKeyOf(lastComplete - 5), to: monthKeyOf(lastComplete) };
  const cats = await db.query<{ code: string }>(
    `SELECT category_code AS code FROM tickets WHERE kind <> 'praise' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 4`,
  );
  if (cats.length < 4) return null;
  const catsA = [cats[0]!.code, cats[1]!.code];
  const catsB = [cats[2]!.code, cats[3]!.code];
  const districts = await db.query<{ code: string }>(
    `SELECT district_code AS code FROM tickets WHERE district_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`,
  );
  if (districts.length < 2) return null;
  const [dA, dB] = [districts[0]!.code, districts[1]!.code];
  const afterFrom = `${after.from}-01`;
  const afterTo = `${monthKeyOf(lastComplete + 1)}-01`;
  const removed = await db.query<{ id: number }>(
    `DELETE FROM tickets WHERE district_code = $1 AND category_code = ANY($2::text[]) AND kind <> 'proactive'
       AND received_at >= ($3::timestamp AT TIME ZONE $5) AND received_at < ($4::timestamp AT TIME ZONE $5) AND id % 20 < 12
     RETURNING id::int AS id`,
    [dA, catsA, afterFrom, afterTo, zone],
  );
  const streets = async (d: string) =>
    (
      await db.query<{ code: string }>(
        `SELECT code FROM regions WHERE level = 'street' AND parent_code = $1 ORDER BY code LIMIT 3`,
        [d],
      )
    ).map((r) => r.code);
  const today = opts.today ?? new Date();
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const adoption = `${after.from}-01`;
  // Adopted on the last day of the before window, as a planner would have: before the results.
  const adoptedAt = new Date(Date.parse(`${adoption}T00:00:00Z`) - 86_400_000);
  const [sA, sB] = [await streets(dA), await streets(dB)];
  const idA = await createTopic(
    db,
    {
      title: '老旧小区屋顶漏水与管线维修 · 专项治理',
      categories: catsA,
      area: dA,
      leadUnit: dA,
      coUnits: sA.slice(0, 2),
      source: 'candidate',
      before,
      after,
      target: -0.3,
      tasks: sA.map((s, i) => ({
        title: ['排查台账建立', '集中维修攻坚', '回头看复查'][i] ?? '专项任务',
        ownerUnit: s,
        dueOn: day(i === 2 ? -3 : 20 + i * 10),
      })),
      policies: [{ title: '专项治理工作方案', issuedOn: adoption, link: null }],
      reviews: [{ reviewOn: day(7), note: '月度专题调度' }],
    },
    DEMO_PLANNER,
    { adoptedAt: adoptedAt },
  );
  const idB = await createTopic(
    db,
    {
      title: '背街小巷环境整治 · 专项治理',
      categories: catsB,
      area: dB,
      leadUnit: dB,
      coUnits: sB.slice(0, 1),
      source: 'defined',
      before,
      after,
      target: -0.2,
      tasks: sB.slice(0, 2).map((s, i) => ({
        title: ['问题清单梳理', '整治方案落实'][i] ?? '专项任务',
        ownerUnit: s,
        dueOn: day(30 + i * 15),
      })),
      policies: [{ title: '环境整治实施意见', issuedOn: adoption, link: null }],
      reviews: [{ reviewOn: day(14), note: '季度复盘' }],
    },
    DEMO_PLANNER,
    { adoptedAt: adoptedAt },
  );
  await plantDeferrals(db);
  // One task of the effective topic is done, with its evidence.
  await db.query(
    `UPDATE gov_tasks SET status = 'done', evidence = '已完成 72 栋楼屋面防水', done_at = now() WHERE topic_id = $1 AND title = '排查台账建立'`,
    [idA],
  );
  await syncLedger(db, DEMO_PLANNER);
  const planted: PlantedTopics = {
    effective: { id: idA, area: dA, categories: catsA, removed: removed.length },
    ineffective: { id: idB, area: dB, categories: catsB },
    before,
    after,
  };
  await db.query(
    `INSERT INTO meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [DEMO_GOVERNANCE_KEY, JSON.stringify(planted)],
  );
  return planted;
}
