// Intake throughput through the HTTP API (a real server on a loopback socket, keep-alive clients in
// the same process, so they share the 2 cores with it): validate, convert
// GCJ-02, H3, locate (PostGIS), responsibility zones, deadlines, repeat lookup, dispatch, events,
// NOTIFY, with `concurrency` requests in flight. Measured twice in the same run: the baseline with
// one transaction per ticket (group commit off), then group commit (server/intake/groupCommit.ts).
// Needs regions (loadBeijing) loaded.
import type { Database } from '../../db/client.ts';
import { seedTaxonomy, TAXONOMY } from '../../data/taxonomy/index.ts';
import { loadBeijingZones } from '../../data/zones/importer.ts';
import { createApp } from '../../server/app.ts';
import { listen } from '../../server/listen.ts';
import { defaultGroupCommit, intakeQueue } from '../../server/intake/groupCommit.ts';
import { row, timed } from './machine.ts';
import { over, signIn } from '../helpers/auth.ts';

const BEIJING_BBOX = [115.42, 39.44, 117.5, 41.06] as const;

export async function measure(db: Database, tickets: number, concurrency: number, label: string): Promise<number> {
  const cats = (await db.query<{ code: string }>(`SELECT code FROM categories ORDER BY code`)).map((r) => r.code);
  const server = await listen(createApp({ db }), 0);
  const dispatcher = await signIn(over(server.url), db, { role: 'dispatcher' });
  const [x0, y0, x1, y1] = BEIJING_BBOX;
  const stamp = `${Date.now()}:${label}`;
  const body = (i: number) =>
    JSON.stringify({
      kind: 'complaint',
      channel: 'app',
      category: cats[i % cats.length],
      description: 'bench',
      lon: x0 + (x1 - x0) * ((i * 0.6180339887) % 1),
      lat: y0 + (y1 - y0) * ((i * 0.7548776662) % 1),
      crs: i % 2 ? 'GCJ02' : 'WGS84',
      callerPhone: `1390000${String(i % 5000).padStart(4, '0')}`,
      idempotencyKey: `bench:${stamp}:${i}`,
    });
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < tickets) {
      const i = next++;
      const res = await dispatcher.request('/api/tickets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(i),
      });
      if (res.status !== 201) failed++;
      await res.arrayBuffer();
    }
  };
  const t = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)));
  await server.close();
  if (failed) throw new Error(`${failed} of ${tickets} intake requests failed (${label})`);
  return tickets / (t.ms / 1000);
}

export async function run(
  db: Database,
  tickets = 5_000,
  concurrency = db.engine === 'postgres' ? 64 : 16,
): Promise<number> {
  if ((await db.query(`SELECT 1 FROM categories LIMIT 1`)).length === 0) await seedTaxonomy(db, TAXONOMY);
  await loadBeijingZones(db);
  const queue = intakeQueue(db);
  const fmt = (rate: number) => `${Math.round(rate).toLocaleString('en')} tickets/s`;
  const what = `intake ${tickets.toLocaleString('en')} tickets via HTTP API (${db.engine}, ${concurrency} in flight)`;
  // Baseline: every request its own transaction, as many at once as the pool allows.
  queue.options = { ...defaultGroupCommit(db), enabled: false, maxInFlight: db.engine === 'postgres' ? 10 : 1 };
  const baseline = await measure(db, tickets, concurrency, 'baseline');
  queue.options = defaultGroupCommit(db);
  const before = { ...queue.stats };
  const rate = await measure(db, tickets, concurrency, 'group');
  const batches = queue.stats.batches - before.batches;
  row(`  baseline: one transaction per ticket`, fmt(baseline));
  row(
    what,
    fmt(rate),
    `group commit: ${batches} transactions, ≤ ${queue.stats.largestBatch} tickets each; target ≥ 1,000/s`,
  );
  return rate;
}
