// The topic ledger (每月一题): adopted topics with their policies, tasks and reviews, SQL near the
// data; every change is written to the audit log in the same transaction. The effect of a topic
// is measured over the windows declared at adoption (frozen in the table by a trigger) by the
// pure difference-in-differences in ../analysis/topicEffect.ts.
import type { Database, Queryable } from '../../db/client.ts';
import type { GovTaskStatus } from '../../db/schema.ts';
import type { Principal, Scope } from '../auth/principal.ts';
import { audit } from '../auth/audit.ts';
import { UnknownCodeError } from '../filters.ts';
import { completeSteps, monthIndex, monthKeyOf } from '../analysis/calendar.ts';
import { dataSpan } from '../analysis/sql/scope.ts';
import { topicEffect, type AreaSeries, type TopicEffect } from '../analysis/topicEffect.ts';
import { cityToday } from './dates.ts';
import { GovForbidden, canPlan, ownUnits, taskOwnerClause, topicAreaClause } from './access.ts';

export interface NewTopic {
  title: string;
  categories: string[];
  area: string | null;
  leadUnit: string;
  coUnits: string[];
  source: 'candidate' | 'defined';
  /** Months YYYY-MM, inclusive. */
  before: { from: string; to: string };
  after: { from: string; to: string };
  /** Promised relative change (−0.2 = a fifth fewer complaints). */
  target: number;
  tasks?: NewTask[];
  policies?: NewPolicy[];
  reviews?: NewReview[];
}
export interface NewTask {
  title: string;
  ownerUnit: string;
  dueOn: string;
}
export interface NewPolicy {
  title: string;
  issuedOn: string;
  link?: string | null;
}
export interface NewReview {
  reviewOn: string;
  note?: string;
}
export interface TaskPatch {
  status?: GovTaskStatus;
  evidence?: string;
  links?: string[];
}

/** Any unit a task or topic may name: a region (district/street) or a department/utility. */
export async function assertUnits(db: Queryable, codes: readonly string[], field: string) {
  if (codes.length === 0) return;
  const rows = await db.query<{ code: string }>(
    `SELECT code FROM regions WHERE code = ANY($1::text[]) AND level IN ('district','street') UNION SELECT code FROM departments WHERE code = ANY($1::text[])`,
    [[...codes]],
  );
  const known = new Set(rows.map((r) => r.code));
  const bad = codes.find((c) => !known.has(c));
  if (bad !== undefined) throw new UnknownCodeError(field, bad);
}

async function assertCategories(db: Queryable, codes: readonly string[]) {
  const rows = await db.query<{ code: string }>(`SELECT code FROM categories WHERE code = ANY($1::text[])`, [
    [...codes],
  ]);
  const known = new Set(rows.map((r) => r.code));
  const bad = codes.find((c) => !known.has(c));
  if (bad !== undefined) throw new UnknownCodeError('categories', bad);
}

async function assertArea(db: Queryable, code: string | null) {
  if (code === null) return;
  const rows = await db.query(`SELECT 1 FROM regions WHERE code = $1 AND level IN ('district','street')`, [code]);
  if (rows.length === 0) throw new UnknownCodeError('area', code);
}

const monthFirst = (m: string) => `${m}-01`;
const monthAfter = (m: string) => `${monthKeyOf(monthIndex(m) + 1)}-01`;

/** `adoptedAt` only for planted demo history (the API always adopts now). */
export async function createTopic(
  db: Database,
  t: NewTopic,
  who: Principal,
  opts: { adoptedAt?: Date } = {},
): Promise<number> {
  await assertCategories(db, t.categories);
  await assertArea(db, t.area);
  await assertUnits(db, [t.leadUnit], 'leadUnit');
  await assertUnits(db, t.coUnits, 'coUnits');
  for (const [i, k] of (t.tasks ?? []).entries()) await assertUnits(db, [k.ownerUnit], `tasks.${i}.ownerUnit`);
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO gov_topics (title, categories, area_code, lead_unit, co_units, source, before_from, before_to, after_from, after_to, target_change, adopted_by, adopted_at)
       VALUES ($1, $2::text[], $3, $4, $5::text[], $6, $7::date, $8::date, $9::date, $10::date, $11, $12, COALESCE($13::timestamptz, now())) RETURNING id::int AS id`,
      [
        t.title,
        t.categories,
        t.area,
        t.leadUnit,
        t.coUnits,
        t.source,
        monthFirst(t.before.from),
        monthAfter(t.before.to),
        monthFirst(t.after.from),
        monthAfter(t.after.to),
        t.target,
        who.username,
        opts.adoptedAt?.toISOString() ?? null,
      ],
    );
    const id = row.id;
    await audit(tx, who, 'gov.topic.adopt', null, {
      topic: id,
      title: t.title,
      categories: t.categories,
      area: t.area,
      before: t.before,
      after: t.after,
      target: t.target,
    });
    for (const k of t.tasks ?? []) await insertTask(tx, id, k, who);
    for (const p of t.policies ?? []) await insertPolicy(tx, id, p, who);
    for (const r of t.reviews ?? []) await insertReview(tx, id, r, who);
    return id;
  });
}

async function insertTask(tx: Queryable, topic: number, k: NewTask, who: Principal): Promise<number> {
  const [r] = await tx.query<{ id: number }>(
    `INSERT INTO gov_tasks (topic_id, title, owner_unit, due_on) VALUES ($1, $2, $3, $4::date) RETURNING id::int AS id`,
    [topic, k.title, k.ownerUnit, k.dueOn],
  );
  await audit(tx, who, 'gov.task.create', null, {
    topic,
    task: r.id,
    title: k.title,
    ownerUnit: k.ownerUnit,
    dueOn: k.dueOn,
  });
  return r.id;
}

async function insertPolicy(tx: Queryable, topic: number, p: NewPolicy, who: Principal): Promise<number> {
  const [r] = await tx.query<{ id: number }>(
    `INSERT INTO gov_policies (topic_id, title, issued_on, link) VALUES ($1, $2, $3::date, $4) RETURNING id::int AS id`,
    [topic, p.title, p.issuedOn, p.link ?? null],
  );
  await audit(tx, who, 'gov.policy.create', null, {
    topic,
    policy: r.id,
    title: p.title,
    issuedOn: p.issuedOn,
    link: p.link ?? null,
  });
  return r.id;
}

async function insertReview(tx: Queryable, topic: number, r: NewReview, who: Principal): Promise<number> {
  const [x] = await tx.query<{ id: number }>(
    `INSERT INTO gov_reviews (topic_id, review_on, note) VALUES ($1, $2::date, $3) RETURNING id::int AS id`,
    [topic, r.reviewOn, r.note ?? ''],
  );
  await audit(tx, who, 'gov.review.create', null, { topic, review: x.id, reviewOn: r.reviewOn, note: r.note ?? '' });
  return x.id;
}

async function topicExists(db: Queryable, id: number): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM gov_topics WHERE id = $1`, [id])).length > 0;
}

export async function addTask(db: Database, topic: number, k: NewTask, who: Principal): Promise<number | null> {
  if (!(await topicExists(db, topic))) return null;
  await assertUnits(db, [k.ownerUnit], 'ownerUnit');
  return db.transaction((tx) => insertTask(tx, topic, k, who));
}
export async function addPolicy(db: Database, topic: number, p: NewPolicy, who: Principal): Promise<number | null> {
  if (!(await topicExists(db, topic))) return null;
  return db.transaction((tx) => insertPolicy(tx, topic, p, who));
}
export async function addReview(db: Database, topic: number, r: NewReview, who: Principal): Promise<number | null> {
  if (!(await topicExists(db, topic))) return null;
  return db.transaction((tx) => insertReview(tx, topic, r, who));
}

export async function setTopicStatus(
  db: Database,
  topic: number,
  status: 'active' | 'closed',
  who: Principal,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ old: string }>(
      `UPDATE gov_topics g SET status = $2, updated_at = now() FROM (SELECT id, status AS old FROM gov_topics WHERE id = $1 FOR UPDATE) o
       WHERE g.id = o.id RETURNING o.old`,
      [topic, status],
    );
    if (rows.length === 0) return false;
    await audit(tx, who, 'gov.topic.status', null, { topic, from: rows[0].old, to: status });
    return true;
  });
}

/**
 * A unit updates its own task (planners and admins any task). Done sets done_at once; reopening
 * clears it. Returns null when the task does not exist or lies outside the reader's sight.
 */
export async function updateTask(db: Database, id: number, patch: TaskPatch, who: Principal): Promise<TaskRow | null> {
  return db.transaction(async (tx) => {
    const [cur] = await tx.query<{
      owner_unit: string;
      status: string;
      evidence: string;
      links: string[];
      topic_id: number;
    }>(
      `SELECT owner_unit, status, evidence, links, topic_id::int AS topic_id FROM gov_tasks WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!cur) return null;
    const own = ownUnits(who);
    if (own !== null && !own.includes(cur.owner_unit)) {
      // Visible (same district) but another unit's: refused by name; invisible: missing.
      const params: unknown[] = [id];
      const clause = taskOwnerClause(who.scope, params);
      const visible = clause
        ? (await tx.query(`SELECT 1 FROM gov_tasks k WHERE k.id = $1 AND ${clause}`, params)).length > 0
        : false;
      if (!visible) return null;
      throw new GovForbidden(
        'ownerUnit',
        `ownerUnit: task ${id} belongs to ${cur.owner_unit}; a unit updates only its own tasks`,
      );
    }
    const status = patch.status ?? cur.status;
    await tx.query(
      `UPDATE gov_tasks SET status = $2, evidence = $3, links = $4::text[], updated_at = now(),
              done_at = CASE WHEN $2 = 'done' THEN COALESCE(done_at, now()) ELSE NULL END
       WHERE id = $1`,
      [id, status, patch.evidence ?? cur.evidence, patch.links ?? cur.links],
    );
    await audit(tx, who, 'gov.task.update', null, {
      topic: cur.topic_id,
      task: id,
      ownerUnit: cur.owner_unit,
      from: { status: cur.status, evidence: cur.evidence, links: cur.links },
      to: { status, evidence: patch.evidence ?? cur.evidence, links: patch.links ?? cur.links },
    });
    const [row] = await tasksWhere(tx, `k.id = $1`, [id], await cityToday(tx));
    return row ?? null;
  });
}

export interface TaskRow {
  id: number;
  topicId: number;
  topicTitle: string;
  title: string;
  ownerUnit: string;
  ownerNameZh: string | null;
  ownerNameEn: string | null;
  dueOn: string;
  status: GovTaskStatus;
  evidence: string;
  links: string[];
  doneAt: string | null;
  overdue: boolean;
}

async function tasksWhere(db: Queryable, where: string, params: unknown[], today: string): Promise<TaskRow[]> {
  params.push(today);
  return db.query<TaskRow>(
    `SELECT k.id::int AS id, k.topic_id::int AS "topicId", g.title AS "topicTitle", k.title, k.owner_unit AS "ownerUnit",
            COALESCE(r.name_zh, d.name_zh) AS "ownerNameZh", COALESCE(r.name_en, d.name_en) AS "ownerNameEn",
            k.due_on::text AS "dueOn", k.status, k.evidence, k.links, k.done_at AS "doneAt",
            (k.status <> 'done' AND k.due_on < $${params.length}::date) AS overdue
     FROM gov_tasks k JOIN gov_topics g ON g.id = k.topic_id
     LEFT JOIN regions r ON r.code = k.owner_unit LEFT JOIN departments d ON d.code = k.owner_unit
     WHERE ${where} ORDER BY k.due_on, k.id`,
    params,
  );
}

/** The tasks a unit works: an official's own unit's; planners and admins every open task. */
export async function myTasks(db: Queryable, who: Principal): Promise<TaskRow[]> {
  const today = await cityToday(db);
  const own = ownUnits(who);
  if (own === null) return tasksWhere(db, `k.status <> 'done'`, [], today);
  if (own.length === 0) return [];
  return tasksWhere(db, `k.owner_unit = ANY($1::text[])`, [own], today);
}

/** Every task in the reader's sight (the report). */
export async function visibleTasks(db: Queryable, scope: Scope): Promise<TaskRow[]> {
  const params: unknown[] = [];
  const clause = taskOwnerClause(scope, params);
  return tasksWhere(db, clause ?? 'true', params, await cityToday(db));
}

/** Overdue tasks in the reader's sight (the queue's and the wall's flag). */
export async function overdueTasks(db: Queryable, scope: Scope): Promise<TaskRow[]> {
  const today = await cityToday(db);
  const params: unknown[] = [];
  const clause = taskOwnerClause(scope, params);
  // tasksWhere appends today as the next parameter.
  const where = `k.status <> 'done' AND k.due_on < $${params.length + 1}::date${clause ? ` AND ${clause}` : ''}`;
  return tasksWhere(db, where, params, today);
}

interface TopicRowRaw {
  id: number;
  title: string;
  categories: string[];
  areaCode: string | null;
  areaNameZh: string | null;
  areaNameEn: string | null;
  areaLevel: string | null;
  leadUnit: string;
  coUnits: string[];
  source: string;
  status: string;
  beforeFrom: string;
  beforeTo: string;
  afterFrom: string;
  afterTo: string;
  targetChange: number;
  adoptedAt: string;
  adoptedBy: string;
  tasks: number;
  done: number;
  overdue: number;
}

async function topicRows(
  db: Queryable,
  scope: Scope,
  extra: string | null,
  extraParams: unknown[] = [],
): Promise<TopicRowRaw[]> {
  const params: unknown[] = [...extraParams];
  const where = [extra, topicAreaClause(scope, params)].filter(Boolean);
  params.push(await cityToday(db));
  return db.query<TopicRowRaw>(
    `SELECT g.id::int AS id, g.title, g.categories, g.area_code AS "areaCode", r.name_zh AS "areaNameZh", r.name_en AS "areaNameEn", r.level AS "areaLevel",
            g.lead_unit AS "leadUnit", g.co_units AS "coUnits", g.source, g.status,
            g.before_from::text AS "beforeFrom", g.before_to::text AS "beforeTo", g.after_from::text AS "afterFrom", g.after_to::text AS "afterTo",
            g.target_change AS "targetChange", g.adopted_at AS "adoptedAt", g.adopted_by AS "adoptedBy",
            (SELECT count(*)::int FROM gov_tasks k WHERE k.topic_id = g.id) AS tasks,
            (SELECT count(*)::int FROM gov_tasks k WHERE k.topic_id = g.id AND k.status = 'done') AS done,
            (SELECT count(*)::int FROM gov_tasks k WHERE k.topic_id = g.id AND k.status <> 'done' AND k.due_on < $${params.length}::date) AS overdue
     FROM gov_topics g LEFT JOIN regions r ON r.code = g.area_code
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY g.adopted_at DESC, g.id DESC`,
    params,
  );
}

export interface MeasuredEffect extends TopicEffect {
  /** The months actually measured: the declared windows, the after window cut at the last complete month. */
  beforeMonths: [string, string];
  afterMonths: [string, string] | null;
  /** The after window is not over yet. */
  partial: boolean;
  /** Did the point estimate reach the declared target; did the whole interval? */
  targetMet: boolean | null;
  targetMetSurely: boolean | null;
}

/** The DiD of one topic over its declared windows, on the rollups (citizens' demands only). */
export async function measureTopic(
  db: Queryable,
  t: Pick<
    TopicRowRaw,
    'categories' | 'areaCode' | 'areaLevel' | 'beforeFrom' | 'beforeTo' | 'afterFrom' | 'afterTo' | 'targetChange'
  >,
): Promise<MeasuredEffect> {
  const b0 = monthIndex(t.beforeFrom);
  const b1 = monthIndex(t.beforeTo);
  const a0 = monthIndex(t.afterFrom);
  const declaredA1 = monthIndex(t.afterTo);
  const span = await dataSpan(db);
  const lastComplete = span.last ? monthIndex(completeSteps(span.last, 'month', 1).starts[0]!) + 1 : b0;
  const a1 = Math.min(declaredA1, lastComplete);
  const base = {
    beforeMonths: [monthKeyOf(b0), monthKeyOf(b1 - 1)] as [string, string],
    afterMonths: a1 > a0 ? ([monthKeyOf(a0), monthKeyOf(a1 - 1)] as [string, string]) : null,
    partial: a1 < declaredA1,
  };
  const none = (reason: string): MeasuredEffect => ({
    ...topicEffect({ treated: [], candidates: [], before: [0, 0], after: [0, 0] }),
    reason,
    ...base,
    targetMet: null,
    targetMetSurely: null,
  });
  if (t.areaCode === null) return none('a city-wide topic has no untreated area to compare with');
  const streets = await db.query<{ code: string; parent: string | null }>(
    `SELECT code, parent_code AS parent FROM regions WHERE level = 'street' ORDER BY code`,
  );
  const treatedSet = new Set(
    streets.filter((s) => s.code === t.areaCode || s.parent === t.areaCode).map((s) => s.code),
  );
  const months = Math.max(0, Math.max(a1, b1) - b0);
  const rows = await db.query<{ area: string; month: string; n: number }>(
    `SELECT region_code AS area, to_char(day, 'YYYY-MM') AS month, sum(tickets)::int AS n
     FROM rollup_region_daily WHERE level = 'street' AND category_code = ANY($1::text[]) AND day >= $2::date AND day < $3::date
     GROUP BY 1, 2`,
    [t.categories, `${monthKeyOf(b0)}-01`, `${monthKeyOf(b0 + months)}-01`],
  );
  const series = new Map<string, number[]>(streets.map((s) => [s.code, new Array<number>(months).fill(0)]));
  for (const r of rows) {
    const s = series.get(r.area);
    if (s) s[monthIndex(r.month) - b0] = r.n;
  }
  const toSeries = ([id, counts]: [string, number[]]): AreaSeries => ({ id, counts });
  const all = [...series.entries()];
  const effect = topicEffect({
    treated: all.filter(([id]) => treatedSet.has(id)).map(toSeries),
    candidates: all.filter(([id]) => !treatedSet.has(id)).map(toSeries),
    before: [0, b1 - b0],
    after: [a0 - b0, Math.max(a0 - b0, a1 - b0)],
  });
  return {
    ...effect,
    ...base,
    targetMet: effect.effect === null ? null : effect.effect <= t.targetChange,
    targetMetSurely: effect.effectUpper === null ? null : effect.effectUpper <= t.targetChange,
  };
}

function shapeTopic(r: TopicRowRaw) {
  const { beforeFrom, beforeTo, afterFrom, afterTo, ...rest } = r;
  return {
    ...rest,
    before: { from: beforeFrom.slice(0, 7), to: monthKeyOf(monthIndex(beforeTo) - 1) },
    after: { from: afterFrom.slice(0, 7), to: monthKeyOf(monthIndex(afterTo) - 1) },
    progress: r.tasks > 0 ? r.done / r.tasks : null,
  };
}

export async function listTopics(db: Queryable, scope: Scope) {
  const rows = await topicRows(db, scope, null);
  const out = [];
  for (const r of rows) out.push({ ...shapeTopic(r), effect: await measureTopic(db, r) });
  return out;
}

export async function topicDetail(db: Queryable, id: number, scope: Scope) {
  const [r] = await topicRows(db, scope, `g.id = $1`, [id]);
  if (!r) return null;
  const today = await cityToday(db);
  const params: unknown[] = [id];
  const own = taskOwnerClause(scope, params);
  const [tasks, policies, reviews, units, effect] = await Promise.all([
    tasksWhere(db, `k.topic_id = $1${own ? ` AND ${own}` : ''}`, params, today),
    db.query(
      `SELECT id::int AS id, title, issued_on::text AS "issuedOn", link FROM gov_policies WHERE topic_id = $1 ORDER BY issued_on, id`,
      [id],
    ),
    db.query(
      `SELECT id::int AS id, review_on::text AS "reviewOn", note FROM gov_reviews WHERE topic_id = $1 ORDER BY review_on, id`,
      [id],
    ),
    db.query<{ code: string; nameZh: string; nameEn: string }>(
      `SELECT code, name_zh AS "nameZh", name_en AS "nameEn" FROM regions WHERE code = ANY($1::text[])
       UNION ALL SELECT code, name_zh, name_en FROM departments WHERE code = ANY($1::text[])`,
      [[r.leadUnit, ...r.coUnits]],
    ),
    measureTopic(db, r),
  ]);
  const cats = await db.query<{ code: string; nameZh: string; nameEn: string }>(
    `SELECT code, name_zh AS "nameZh", name_en AS "nameEn" FROM categories WHERE code = ANY($1::text[]) ORDER BY code`,
    [r.categories],
  );
  // `tasks` are the ones the reader may see; `taskCount` (and done, overdue) count all of the topic's.
  return {
    ...shapeTopic(r),
    taskCount: r.tasks,
    categoryNames: cats,
    unitNames: units,
    tasks,
    policies,
    reviews,
    effect,
    today,
  };
}

/** "What the topics achieved": every topic in sight with its measured effect. */
export async function achievements(db: Queryable, scope: Scope) {
  const topics = await listTopics(db, scope);
  const measured = topics.filter((t) => t.effect.verdict !== 'insufficient');
  return {
    topics: topics.map((t) => ({
      id: t.id,
      title: t.title,
      areaCode: t.areaCode,
      areaNameZh: t.areaNameZh,
      areaNameEn: t.areaNameEn,
      status: t.status,
      before: t.before,
      after: t.after,
      targetChange: t.targetChange,
      tasks: t.tasks,
      done: t.done,
      overdue: t.overdue,
      verdict: t.effect.verdict,
      reason: t.effect.reason,
      effect: t.effect.effect,
      effectLower: t.effect.effectLower,
      effectUpper: t.effect.effectUpper,
      treatedAfter: t.effect.treatedAfter,
      expectedAfter: t.effect.expectedAfter,
      partial: t.effect.partial,
      targetMet: t.effect.targetMet,
    })),
    summary: {
      topics: topics.length,
      measured: measured.length,
      effective: measured.filter((t) => t.effect.verdict === 'effective').length,
      /** Complaints avoided by the effective topics (expected − observed in their after windows). */
      avoided: Math.round(
        measured
          .filter((t) => t.effect.verdict === 'effective')
          .reduce((a, t) => a + ((t.effect.expectedAfter ?? 0) - t.effect.treatedAfter), 0),
      ),
      tasks: topics.reduce((a, t) => a + t.tasks, 0),
      done: topics.reduce((a, t) => a + t.done, 0),
      overdue: topics.reduce((a, t) => a + t.overdue, 0),
    },
  };
}

export { canPlan };
