// Honest evaluation of the category suggestion: trained on earlier tickets, scored on a later
// period, against two baselines — the most frequent category, and a keyword-rule matcher built
// from the categories' own names (what "relies on keywords" means) — overall (top-1, top-3) and
// per category (precision, recall of the top-1). Pure.
import { suggest, type Model } from './classifier.ts';
import { words, type Lang } from './tokenize.ts';

export interface EvalDoc {
  text: string;
  label: string;
}

export interface CategoryScore {
  code: string;
  /** Tickets of this category in the evaluation period. */
  support: number;
  precision: number | null;
  recall: number | null;
}

export interface Scores {
  top1: number;
  top3: number;
}

export interface Evaluation {
  tickets: number;
  model: Scores;
  mostFrequent: Scores;
  keyword: Scores;
  perCategory: CategoryScore[];
}

/** A ranking of category codes for a text, best first. */
export type Ranker = (text: string) => string[];

export const modelRanker =
  (model: Model): Ranker =>
  (text) =>
    suggest(model, text, 3).map((s) => s.code);

/** Always the same categories: the most frequent in training. */
export function mostFrequentRanker(counts: Map<string, number>): Ranker {
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  return () => top.slice(0, 3);
}

export interface KeywordCategory {
  code: string;
  /** The category's names (and its group's), whose words are its keywords. */
  names: string[];
}

/**
 * The keyword rules a hotline writes first: a category matches a text by the words of its name
 * (Chinese: jieba words of two characters or more; others: words of three letters or more) found
 * in the text; most matches first, ties to the more frequent category.
 */
export function keywordRanker(categories: readonly KeywordCategory[], lang: Lang, counts: Map<string, number>): Ranker {
  const rules = categories.map((c) => {
    const kw = new Set<string>();
    for (const n of c.names)
      for (const w of words(n, lang))
        if ((lang === 'zh' ? [...w].length >= 2 : w.length >= 3) && !GENERIC.has(w)) kw.add(w);
    return { code: c.code, kw: [...kw], n: counts.get(c.code) ?? 0 };
  });
  const fallback = mostFrequentRanker(counts)('');
  return (text) => {
    const t = text.toLowerCase();
    const hits = rules
      .map((r) => ({ code: r.code, n: r.n, score: r.kw.reduce((s, k) => s + (t.includes(k) ? 1 : 0), 0) }))
      .filter((h) => h.score > 0);
    hits.sort((a, b) => b.score - a.score || b.n - a.n || (a.code < b.code ? -1 : 1));
    const out = hits.slice(0, 3).map((h) => h.code);
    for (const f of fallback) if (out.length < 3 && !out.includes(f)) out.push(f);
    return out;
  };
}
const GENERIC = new Set(['and', 'the', 'for', 'from', 'not', 'out', 'other', 'this']);

function scoreRanker(docs: readonly EvalDoc[], rank: Ranker): { scores: Scores; first: string[] } {
  let top1 = 0;
  let top3 = 0;
  const first: string[] = [];
  for (const d of docs) {
    const r = rank(d.text);
    first.push(r[0] ?? '');
    if (r[0] === d.label) top1++;
    if (r.slice(0, 3).includes(d.label)) top3++;
  }
  const n = docs.length || 1;
  return { scores: { top1: top1 / n, top3: top3 / n }, first };
}

export function evaluate(
  model: Model,
  docs: readonly EvalDoc[],
  baselines: { counts: Map<string, number>; categories: readonly KeywordCategory[] },
): Evaluation {
  const m = scoreRanker(docs, modelRanker(model));
  const mf = scoreRanker(docs, mostFrequentRanker(baselines.counts));
  const kw = scoreRanker(docs, keywordRanker(baselines.categories, model.lang, baselines.counts));
  const support = new Map<string, number>();
  const predicted = new Map<string, number>();
  const right = new Map<string, number>();
  docs.forEach((d, i) => {
    support.set(d.label, (support.get(d.label) ?? 0) + 1);
    const p = m.first[i];
    predicted.set(p, (predicted.get(p) ?? 0) + 1);
    if (p === d.label) right.set(p, (right.get(p) ?? 0) + 1);
  });
  const codes = [...new Set([...support.keys(), ...predicted.keys()])].filter(Boolean).sort();
  const perCategory = codes.map((code) => {
    const r = right.get(code) ?? 0;
    const s = support.get(code) ?? 0;
    const p = predicted.get(code) ?? 0;
    return { code, support: s, precision: p ? r / p : null, recall: s ? r / s : null };
  });
  return { tickets: docs.length, model: m.scores, mostFrequent: mf.scores, keyword: kw.scores, perCategory };
}
