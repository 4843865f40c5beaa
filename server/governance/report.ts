// The monthly progress report of the governance loop, as sheets (xlsx via ../reports/xlsx.ts):
// topics with progress and measured effect, their tasks, the key-problem ledger and the proactive
// work orders — each limited to what the reader may see.
import type { Queryable } from '../../db/client.ts';
import type { Principal } from '../auth/principal.ts';
import type { Column, Sheet } from '../reports/sheets.ts';
import type { Lang } from '../reports/labels.ts';
import { achievements, visibleTasks } from './topics.ts';
import { listLedger } from './ledger.ts';
import { listProactive } from './proactive.ts';

const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);
const col = (key: string, header: string, width = 14, numFmt?: string): Column => ({ key, header, width, numFmt });
const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);

const VERDICTS: Record<string, [string, string]> = {
  effective: ['有效', 'effective'],
  worse: ['变差', 'worse'],
  unclear: ['未见明显效果', 'no clear effect'],
  insufficient: ['尚不能测算', 'not measurable yet'],
};

export async function governanceSheets(db: Queryable, who: Principal, lang: Lang): Promise<Sheet[]> {
  const a = await achievements(db, who.scope);
  const topics: Sheet = {
    name: L(lang, '每月一题', 'Topics'),
    columns: [
      col('title', L(lang, '题目', 'Topic'), 30),
      col('area', L(lang, '区域', 'Area'), 14),
      col('status', L(lang, '状态', 'Status'), 8),
      col('before', L(lang, '对照期', 'Before'), 16),
      col('after', L(lang, '治理期', 'After'), 16),
      col('target', L(lang, '目标变化 %', 'Target %'), 10, '0.0'),
      col('tasks', L(lang, '任务', 'Tasks'), 8),
      col('done', L(lang, '已完成', 'Done'), 8),
      col('overdue', L(lang, '逾期', 'Overdue'), 8),
      col('effect', L(lang, '效果 %', 'Effect %'), 10, '0.0'),
      col('lower', L(lang, '区间下限 %', 'Lower %'), 10, '0.0'),
      col('upper', L(lang, '区间上限 %', 'Upper %'), 10, '0.0'),
      col('verdict', L(lang, '结论', 'Verdict'), 14),
    ],
    rows: a.topics.map((t) => ({
      title: t.title,
      area: (lang === 'zh' ? t.areaNameZh : t.areaNameEn) ?? L(lang, '全市', 'City'),
      status: t.status,
      before: `${t.before.from} – ${t.before.to}`,
      after: `${t.after.from} – ${t.after.to}`,
      target: pct(t.targetChange),
      tasks: t.tasks,
      done: t.done,
      overdue: t.overdue,
      effect: pct(t.effect),
      lower: pct(t.effectLower),
      upper: pct(t.effectUpper),
      verdict: VERDICTS[t.verdict]![lang === 'zh' ? 0 : 1],
    })),
  };
  const allTasks = await visibleTasks(db, who.scope);
  const tasks: Sheet = {
    name: L(lang, '任务', 'Tasks'),
    columns: [
      col('topic', L(lang, '题目', 'Topic'), 26),
      col('title', L(lang, '任务', 'Task'), 30),
      col('owner', L(lang, '责任单位', 'Owner'), 16),
      col('due', L(lang, '期限', 'Due'), 12),
      col('status', L(lang, '状态', 'Status'), 10),
      col('overdue', L(lang, '逾期', 'Overdue'), 8),
      col('evidence', L(lang, '佐证', 'Evidence'), 30),
    ],
    rows: allTasks.map((t) => ({
      topic: t.topicTitle,
      title: t.title,
      owner: (lang === 'zh' ? t.ownerNameZh : t.ownerNameEn) ?? t.ownerUnit,
      due: t.dueOn,
      status: t.status,
      overdue: t.overdue ? L(lang, '是', 'yes') : '',
      evidence: t.evidence,
    })),
  };
  const ledger = await listLedger(db, who.scope, { limit: 5000 });
  const ledgerSheet: Sheet = {
    name: L(lang, '重点问题台账', 'Key problems'),
    columns: [
      col('title', L(lang, '问题', 'Problem'), 24),
      col('street', L(lang, '街乡镇', 'Street'), 14),
      col('source', L(lang, '来源', 'Source'), 10),
      col('owner', L(lang, '责任单位', 'Owner'), 16),
      col('plan', L(lang, '计划', 'Plan'), 30),
      col('target', L(lang, '目标日期', 'Target date'), 12),
      col('status', L(lang, '状态', 'Status'), 10),
      col('opened', L(lang, '入账', 'Opened'), 12),
    ],
    rows: (ledger.items as Record<string, unknown>[]).map((e) => ({
      title: e.title as string,
      street: ((lang === 'zh' ? e.streetNameZh : e.streetNameEn) as string | null) ?? '',
      source: e.source as string,
      owner: ((lang === 'zh' ? e.ownerNameZh : e.ownerNameEn) as string | null) ?? (e.ownerUnit as string | null) ?? '',
      plan: e.plan as string,
      target: (e.targetOn as string | null) ?? '',
      status: e.status as string,
      opened: new Date(e.openedAt as string).toISOString().slice(0, 10),
    })),
  };
  const size: Sheet = {
    name: L(lang, '台账规模', 'Ledger size'),
    columns: [
      col('month', L(lang, '月份', 'Month'), 10),
      col('open', L(lang, '在账', 'Open'), 10),
      col('opened', L(lang, '新增', 'Opened'), 10),
      col('resolved', L(lang, '销账', 'Resolved'), 10),
    ],
    rows: ledger.history.map((h) => ({ ...h })),
  };
  const pro = await listProactive(db, who.scope, 5000);
  const proactive: Sheet = {
    name: L(lang, '主动治理', 'Proactive'),
    columns: [
      col('id', L(lang, '工单', 'Ticket'), 10),
      col('source', L(lang, '来源', 'Source'), 10),
      col('category', L(lang, '类别', 'Category'), 16),
      col('street', L(lang, '街乡镇', 'Street'), 14),
      col('month', L(lang, '月份', 'Month'), 10),
      col('status', L(lang, '状态', 'Status'), 10),
      col('expected', L(lang, '预测', 'Expected'), 10, '0.0'),
      col('observed', L(lang, '实际', 'Observed'), 10),
      col('outcome', L(lang, '结果', 'Outcome'), 12),
    ],
    rows: pro.items.map((p) => ({
      id: p.id,
      source: p.source,
      category: lang === 'zh' ? p.categoryNameZh : p.categoryNameEn,
      street: (lang === 'zh' ? p.streetNameZh : p.streetNameEn) ?? '',
      month: p.month,
      status: p.status,
      expected: p.expected,
      observed: p.observed,
      outcome: p.outcome.verdict,
    })),
  };
  return [topics, tasks, ledgerSheet, size, proactive];
}
