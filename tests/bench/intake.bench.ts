// Intake throughput through the HTTP API (app.request, the full Hono stack): validate, convert
// GCJ-02, H3, locate (PostGIS), deadlines, repeat lookup, dispatch, events, NOTIFY — one
// transaction per ticket, `concurrency` requests in flight. Needs regions (loadBeijing) loaded.
import type { Database } from '../../db/client.ts';
import { seedTaxonomy, TAXONOMY } from '../../data/taxonomy/index.ts';
import { createApp } from '../../server/app.ts';
import { row, timed } from './machine.ts';

const BEIJING_BBOX = [115.42, 39.44, 117.5, 41.06] as const;

export async function run(db: Database, tickets = 5_000, concurrency = db.engine === 'postgres' ? 16 : 4): Promise<number> {
  if ((await db.query(`SELECT 1 FROM categories LIMIT 1`)).length === 0) await seedTaxonomy(db, TAXONOMY);
  const cats = (await db.query<{ code: string }>(`SELECT code FROM categories ORDER BY code`)).map((r) => r.code);
  const app = createApp({ db });
  const [x0, y0, x1, y1] = BEIJING_BBOX;
  const stamp = Date.now();
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
      const res = await app.request('/api/tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
      if (res.status !== 201) failed++;
      await res.arrayBuffer();
    }
  };
  const t = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)));
  if (failed) throw new Error(`${failed} of ${tickets} intake requests failed`);
  const rate = tickets / (t.ms / 1000);
  row(`intake ${tickets.toLocaleString('en')} tickets via HTTP API (${db.engine}, ${concurrency} in flight)`, `${Math.round(rate).toLocaleString('en')} tickets/s`, 'locate + dispatch + events, 1 tx each');
  return rate;
}
