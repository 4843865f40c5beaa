// The dispatcher's assistant (BENCH_ONLY=assist):
//  - retraining on 1,000,000 calls worded by the Beijing package's vocabulary, in category shares of
//    its demo profile (the whole training the server runs, from texts in memory), beside the same
//    training on 100,000;
//  - the suggestion at intake: POST /api/assist/suggest through the app with a signed-in dispatcher
//    and a located point (model + catalogue + locate + zones in one statement), p50/p95, beside the
//    model's own part of the answer;
//  - the later-period evaluation stored with the model trained on a demo year in the database.
import type { Engine } from '../../db/client.ts';
import { sampleCalls, readDescriptions } from '../../data/demo/descriptions.ts';
import { readDemoProfile, resolveDemoProfile } from '../../data/demo/profile.ts';
import { generateDemo } from '../../data/demo/index.ts';
import { loadBeijing } from '../../data/geo/importer.ts';
import { seedTaxonomy, TAXONOMY } from '../../data/taxonomy/index.ts';
import { loadBeijingZones } from '../../data/zones/importer.ts';
import { createApp } from '../../server/app.ts';
import { suggest, train } from '../../server/assist/classifier.ts';
import { retrain } from '../../server/assist/models.ts';
import { signIn } from '../helpers/auth.ts';
import { openTestDatabase } from '../helpers/engines.ts';
import { BEIJING_DIR } from '../data/demo/fixtures.ts';
import { row } from './machine.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

export function runTraining(n = Number(process.env.BENCH_ASSIST_TRAIN ?? 1_000_000)): void {
  const vocab = readDescriptions(BEIJING_DIR)!;
  const settings = resolveDemoProfile(readDemoProfile(BEIJING_DIR), TAXONOMY);
  const weights = new Map([...settings.mix].map(([code, m]) => [code, m.share]));
  for (const size of [Math.round(n / 10), n]) {
    const t0 = performance.now();
    const docs = sampleCalls(vocab, weights, size, 7);
    const made = performance.now() - t0;
    const t1 = performance.now();
    const model = train(docs, { lang: 'zh', seed: 1 });
    const ms = performance.now() - t1;
    row(
      `retrain on ${size.toLocaleString('en')} calls (zh, jieba)`,
      `${(ms / 1000).toFixed(1)} s`,
      `${model.vocab.length.toLocaleString('en')} features × ${model.labels.length} categories; target < 120 s at 1 M (texts made in ${(made / 1000).toFixed(1)} s)`,
    );
  }
}

export async function runIntake(
  engine: Engine,
  tickets = Number(process.env.BENCH_ASSIST_TICKETS ?? 30_000),
  requests = 400,
): Promise<void> {
  const db = await openTestDatabase(engine, 'hotline_bench_assist');
  try {
    await loadBeijing(db);
    await seedTaxonomy(db);
    await loadBeijingZones(db);
    await generateDemo(db, { tickets, seed: 12345, now: new Date() });
    const r = (await retrain(db, 'demand'))!;
    const e = r.info.evaluation!;
    row(
      `model on a ${tickets.toLocaleString('en')}-ticket demo year (${engine})`,
      `${(r.info.durationMs / 1000).toFixed(1)} s`,
      `evaluation + served model, ${r.info.tickets.toLocaleString('en')} confirmed tickets`,
    );
    row(
      `  later period ${e.evalFrom.slice(0, 10)}…: top-1 / top-3`,
      `${pct(e.model.top1)} / ${pct(e.model.top3)}`,
      `${e.tickets.toLocaleString('en')} tickets, trained on ${e.trainedOn.toLocaleString('en')} earlier`,
    );
    row(
      '  baseline: keyword rules (category names)',
      `${pct(e.keyword.top1)} / ${pct(e.keyword.top3)}`,
      `${((e.model.top1 - e.keyword.top1) * 100).toFixed(1)} / ${((e.model.top3 - e.keyword.top3) * 100).toFixed(1)} points below the model`,
    );
    row('  baseline: most frequent category', `${pct(e.mostFrequent.top1)} / ${pct(e.mostFrequent.top3)}`);
    row(
      '  planted wrong dispatches sent right',
      e.returnsAvoided.share === null ? '—' : pct(e.returnsAvoided.share),
      `${e.returnsAvoided.sentRight} of ${e.returnsAvoided.returns} returns (退单) in the period`,
    );

    const app = createApp({ db });
    const dispatcher = await signIn(app, db, { role: 'dispatcher' });
    const calls = await db.query<{ text: string; lon: number; lat: number }>(
      `SELECT description AS text, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM tickets WHERE geom IS NOT NULL ORDER BY id DESC LIMIT $1`,
      [requests],
    );
    const post = (body: unknown) =>
      dispatcher.request('/api/assist/suggest', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const c of calls.slice(0, 20)) await (await post(c)).json(); // warm: model loaded, plans cached
    const full: number[] = [];
    for (const c of calls) {
      const t0 = performance.now();
      const res = await post(c);
      if (res.status !== 200) throw new Error(`suggest: ${res.status} ${await res.text()}`);
      await res.json();
      full.push(performance.now() - t0);
    }
    const own: number[] = [];
    for (const c of calls) {
      const t0 = performance.now();
      suggest(r.model, c.text, 3);
      own.push(performance.now() - t0);
    }
    row(
      `suggestion at intake, HTTP (${engine})`,
      `${quantile(full, 0.95).toFixed(1)} ms p95`,
      `p50 ${quantile(full, 0.5).toFixed(1)} ms over ${calls.length} calls; target < 50 ms p95`,
    );
    row(
      '  of which the model itself',
      `${quantile(own, 0.95).toFixed(2)} ms p95`,
      `p50 ${quantile(own, 0.5).toFixed(2)} ms`,
    );
  } finally {
    await db.close();
  }
}
