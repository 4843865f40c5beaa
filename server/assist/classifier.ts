// The category classifier: TF-IDF over words and character n-grams, multinomial logistic
// regression trained by stochastic gradient descent. Pure and deterministic: the same documents,
// options and seed give the same weights, bit for bit. Prediction gives the top k categories with
// probabilities and, for each, the words of the text that pushed it up most.
import { features, featureLabel, type Lang } from './tokenize.ts';

export interface TrainDoc {
  text: string;
  label: string;
}

export interface TrainOptions {
  lang: Lang;
  seed?: number;
  /** Passes over the data (default 4). */
  epochs?: number;
  /** A feature must occur in at least this many documents (default 2). */
  minDf?: number;
  /** Keep at most this many features, the most frequent (default 300,000). */
  maxFeatures?: number;
  /** Initial learning rate (default 0.6), divided by (1 + epoch). */
  learningRate?: number;
  /** L2 penalty per step, applied lazily (default 1e-6). */
  l2?: number;
}

export interface Model {
  lang: Lang;
  labels: string[];
  vocab: string[];
  idf: Float32Array;
  bias: Float32Array;
  /** nFeatures × nLabels, row-major by feature. */
  weights: Float32Array;
  /** Training documents per label. */
  counts: number[];
}

export interface Suggestion {
  code: string;
  p: number;
  /** Words of the text that drove this category, strongest first. */
  words: string[];
}

/** A small deterministic generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Encoded {
  ids: Int32Array;
  values: Float32Array;
}

/** Feature ids and L2-normalised TF-IDF values of one text; unknown features are dropped. */
function encode(feats: string[], index: Map<string, number>, idf: Float32Array): Encoded {
  const tf = new Map<number, number>();
  for (const f of feats) {
    const id = index.get(f);
    if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
  }
  const ids = new Int32Array(tf.size);
  const values = new Float32Array(tf.size);
  let k = 0;
  let norm = 0;
  for (const [id, n] of tf) {
    const v = (1 + Math.log(n)) * idf[id];
    ids[k] = id;
    values[k] = v;
    norm += v * v;
    k++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < values.length; i++) values[i] /= norm;
  return { ids, values };
}

/** Trains to completion, synchronously. */
export function train(docs: readonly TrainDoc[], opts: TrainOptions): Model {
  const it = training(docs, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** The same training, giving the event loop a turn every few thousand documents (a server trains this way). */
export async function trainYielding(docs: readonly TrainDoc[], opts: TrainOptions): Promise<Model> {
  const it = training(docs, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const YIELD_EVERY = 4096;

function* training(docs: readonly TrainDoc[], opts: TrainOptions): Generator<void, Model> {
  const { lang } = opts;
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 4;
  const minDf = opts.minDf ?? 2;
  const maxFeatures = opts.maxFeatures ?? 300_000;
  const lr0 = opts.learningRate ?? 0.6;
  const l2 = opts.l2 ?? 1e-6;

  // Labels in sorted order, so the model does not depend on the order of the documents.
  const labels = [...new Set(docs.map((d) => d.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const L = labels.length;
  const counts = new Array<number>(L).fill(0);

  // One pass of segmentation: each document as (provisional feature id, count) runs, and document
  // frequencies by provisional id.
  const N = docs.length;
  const provisional = new Map<string, number>();
  let df = new Int32Array(1 << 16);
  const offsets = new Int32Array(N + 1);
  const y = new Int32Array(N);
  let ids = new Int32Array(Math.max(16, N * 24));
  let tfs = new Uint16Array(ids.length);
  let used = 0;
  const local = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) yield;
    const d = docs[i];
    const c = labelIndex.get(d.label)!;
    counts[c]++;
    y[i] = c;
    local.clear();
    for (const f of features(d.text, lang)) {
      let id = provisional.get(f);
      if (id === undefined) {
        id = provisional.size;
        provisional.set(f, id);
        if (id >= df.length) {
          const g = new Int32Array(df.length * 2);
          g.set(df);
          df = g;
        }
      }
      local.set(id, (local.get(id) ?? 0) + 1);
    }
    if (used + local.size > ids.length) {
      const grow = Math.max(ids.length * 2, used + local.size);
      const ni = new Int32Array(grow);
      ni.set(ids.subarray(0, used));
      const nt = new Uint16Array(grow);
      nt.set(tfs.subarray(0, used));
      ids = ni;
      tfs = nt;
    }
    for (const [id, n] of local) {
      df[id]++;
      ids[used] = id;
      tfs[used++] = Math.min(n, 65535);
    }
    offsets[i + 1] = used;
  }
  // The vocabulary: features in at least minDf documents, the most frequent first (ties by text).
  const names: string[] = new Array(provisional.size);
  for (const [f, id] of provisional) names[id] = f;
  provisional.clear();
  const kept: number[] = [];
  for (let id = 0; id < names.length; id++) if (df[id] >= minDf) kept.push(id);
  kept.sort((a, b) => df[b] - df[a] || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  kept.length = Math.min(kept.length, maxFeatures);
  const remap = new Int32Array(names.length).fill(-1);
  const vocab = kept.map((id, i) => ((remap[id] = i), names[id]));
  const idf = new Float32Array(vocab.length);
  kept.forEach((id, i) => (idf[i] = Math.log((N + 1) / (df[id] + 1)) + 1));

  // The runs rewritten in place as (feature id, L2-normalised TF-IDF).
  const values = new Float32Array(used);
  let w = 0;
  for (let i = 0; i < N; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    offsets[i] = w;
    const start = w;
    let norm = 0;
    for (let k = a; k < b; k++) {
      const id = remap[ids[k]];
      if (id < 0) continue;
      const v = (1 + Math.log(tfs[k])) * idf[id];
      ids[w] = id;
      values[w++] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = start; k < w; k++) values[k] /= norm;
  }
  offsets[N] = w;

  // SGD on the softmax cross-entropy. L2 as a lazily applied scale: w = scale · W.
  const F = vocab.length;
  const W = new Float32Array(F * L);
  const bias = new Float32Array(L);
  // Start the bias at the log prior: the first steps then learn words, not frequencies.
  for (let c = 0; c < L; c++) bias[c] = Math.log((counts[c] + 1) / (N + L));
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  const rand = prng(seed);
  const scores = new Float64Array(L);
  let scale = 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = N - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    const lr = lr0 / (1 + epoch);
    for (let n = 0; n < N; n++) {
      if (n % YIELD_EVERY === YIELD_EVERY - 1) yield;
      const d = order[n];
      const a = offsets[d];
      const b = offsets[d + 1];
      for (let c = 0; c < L; c++) scores[c] = bias[c];
      for (let k = a; k < b; k++) {
        const row = ids[k] * L;
        const v = values[k] * scale;
        for (let c = 0; c < L; c++) scores[c] += v * W[row + c];
      }
      let max = -Infinity;
      for (let c = 0; c < L; c++) if (scores[c] > max) max = scores[c];
      let sum = 0;
      for (let c = 0; c < L; c++) sum += scores[c] = Math.exp(scores[c] - max);
      scale *= 1 - lr * l2;
      const step = lr / scale;
      const yc = y[d];
      for (let c = 0; c < L; c++) {
        const g = scores[c] / sum - (c === yc ? 1 : 0);
        if (g > -1e-4 && g < 1e-4) continue;
        bias[c] -= lr * g;
        const gs = step * g;
        for (let k = a; k < b; k++) W[ids[k] * L + c] -= gs * values[k];
      }
      if (scale < 1e-3) {
        for (let k = 0; k < W.length; k++) W[k] *= scale;
        scale = 1;
      }
    }
  }
  if (scale !== 1) for (let k = 0; k < W.length; k++) W[k] *= scale;
  return { lang, labels, vocab, idf, bias, weights: W, counts };
}

const indexCache = new WeakMap<Model, Map<string, number>>();
function featureIndex(model: Model): Map<string, number> {
  let m = indexCache.get(model);
  if (!m) indexCache.set(model, (m = new Map(model.vocab.map((f, i) => [f, i]))));
  return m;
}

/** Probabilities of every label for a text, in the model's label order. */
export function probabilities(model: Model, text: string): { p: Float64Array; encoded: Encoded } {
  const L = model.labels.length;
  const e = encode(features(text, model.lang), featureIndex(model), model.idf);
  const s = new Float64Array(L);
  for (let c = 0; c < L; c++) s[c] = model.bias[c];
  for (let k = 0; k < e.ids.length; k++) {
    const row = e.ids[k] * L;
    for (let c = 0; c < L; c++) s[c] += e.values[k] * model.weights[row + c];
  }
  let max = -Infinity;
  for (let c = 0; c < L; c++) if (s[c] > max) max = s[c];
  let sum = 0;
  for (let c = 0; c < L; c++) sum += s[c] = Math.exp(s[c] - max);
  for (let c = 0; c < L; c++) s[c] /= sum;
  return { p: s, encoded: e };
}

/** The k most probable categories, each with the (at most 4) words that drove it. */
export function suggest(model: Model, text: string, k = 3): Suggestion[] {
  const L = model.labels.length;
  const { p, encoded } = probabilities(model, text);
  const order = [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, k);
  return order.map((c) => {
    const contrib: { f: string; v: number }[] = [];
    for (let i = 0; i < encoded.ids.length; i++) {
      const v = encoded.values[i] * model.weights[encoded.ids[i] * L + c];
      if (v > 0) contrib.push({ f: model.vocab[encoded.ids[i]], v });
    }
    contrib.sort((a, b) => b.v - a.v || (a.f < b.f ? -1 : 1));
    const words: string[] = [];
    for (const { f } of contrib) {
      const label = featureLabel(f);
      // A character n-gram inside a word already shown adds nothing for a reader.
      if (words.some((w) => w.includes(label) || label.includes(w))) continue;
      words.push(label);
      if (words.length === 4) break;
    }
    return { code: model.labels[c], p: p[c], words };
  });
}

// --- storage -----------------------------------------------------------------------------------

export interface StoredModel {
  meta: { lang: Lang; labels: string[]; vocab: string[]; counts: number[] };
  /** idf, bias and weights, little-endian float32, one after another. */
  blob: Uint8Array;
}

export function serialise(model: Model): StoredModel {
  const n = model.idf.length + model.bias.length + model.weights.length;
  const all = new Float32Array(n);
  all.set(model.idf, 0);
  all.set(model.bias, model.idf.length);
  all.set(model.weights, model.idf.length + model.bias.length);
  return {
    meta: { lang: model.lang, labels: model.labels, vocab: model.vocab, counts: model.counts },
    blob: new Uint8Array(all.buffer),
  };
}

export function deserialise(s: StoredModel): Model {
  const { lang, labels, vocab, counts } = s.meta;
  const bytes = new Uint8Array(s.blob.byteLength);
  bytes.set(s.blob);
  const all = new Float32Array(bytes.buffer);
  const F = vocab.length;
  const L = labels.length;
  if (all.length !== F + L + F * L) throw new Error(`stored model: ${all.length} numbers, expected ${F + L + F * L}`);
  return {
    lang,
    labels,
    vocab,
    counts,
    idf: all.subarray(0, F),
    bias: all.subarray(F, F + L),
    weights: all.subarray(F + L),
  };
}
