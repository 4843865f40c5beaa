// Demo data on first start: generated once, recorded in meta('demo'), resumed cleanly if a start was interrupted.
import type { Database } from '../db/client.ts';
import { generateDemo } from '../data/demo/index.ts';
import { plantGovernanceDemo } from '../data/demo/governance.ts';

export interface DemoOptions {
  tickets: number;
  seed: number;
  log: (msg: string) => void;
}

export async function ensureDemo(db: Database, { tickets, seed, log }: DemoOptions): Promise<void> {
  const done = await db.query<{ value: { tickets: number; seed: number } }>(
    `SELECT value FROM meta WHERE key = 'demo'`,
  );
  if (done[0]) {
    log(`demo data present: ${done[0].value.tickets.toLocaleString('en')} tickets (seed ${done[0].value.seed})`);
    return;
  }
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
  if (existing[0]!.n > 0) {
    // A previous first start was interrupted mid-load: start the demo over rather than keep half a year.
    log(`clearing ${existing[0]!.n.toLocaleString('en')} tickets left by an interrupted demo load…`);
    await db.exec('TRUNCATE ticket_events, dispatches, ticket_callers, tickets CASCADE');
  }
  log(`generating the demo year: ${tickets.toLocaleString('en')} tickets (seed ${seed}); first start only…`);
  let lastLine = 0;
  await generateDemo(db, {
    tickets,
    seed,
    now: new Date(),
    onProgress: (p: { done: number; total: number; phase?: string }) => {
      const t = Date.now();
      if (t - lastLine < 1000 && p.done < p.total) return;
      lastLine = t;
      log(
        `  ${p.phase ?? 'tickets'}: ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')} (${Math.round((100 * p.done) / Math.max(1, p.total))}%)`,
      );
    },
  });
  // Two adopted topics (one that worked, one that did not) and the key-problem ledger (issue 14).
  await plantGovernanceDemo(db);
  await db.query(
    `INSERT INTO meta (key, value) VALUES ('demo', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [JSON.stringify({ tickets, seed, generatedAt: new Date().toISOString() })],
  );
  log('demo data ready');
}
