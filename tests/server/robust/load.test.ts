// The 15-second load run (tests/bench/load.bench.ts runs the long one, `npm run bench`): 200 dashboard
// clients and 50 tickets/s against a real server process on PostgreSQL + PostGIS with a demo year loaded.
// Zero 5xx, no request left unanswered, every acknowledged ticket stored; p95 per endpoint printed.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { loadBeijing } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { loadBeijingZones } from '../../../data/zones/importer.ts';
import { generateDemo } from '../../../data/demo/index.ts';
import { openTestDatabase, testDatabaseName, testDatabaseUrl } from '../../helpers/engines.ts';
import { freePort } from '../../helpers/pgInstance.ts';
import { killHard, spawnServer, stubDist, type Child } from '../faults/harness.ts';
import { run } from '../../bench/load.bench.ts';

const DB_NAME = 'hotline_test_robust_load';

describe('load on postgres: 200 dashboard clients + 50 tickets/s for 15 s', () => {
  let db: Database;
  let server: Child;
  const dist = stubDist();

  beforeAll(async () => {
    db = await openTestDatabase('postgres', DB_NAME);
    await loadBeijing(db);
    await seedTaxonomy(db);
    await loadBeijingZones(db);
    await generateDemo(db, { tickets: 20_000, seed: 7, now: new Date() });
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${testDatabaseName(DB_NAME)}`;
    server = await spawnServer(url.toString(), await freePort(), dist);
  });
  afterAll(async () => {
    if (server) await killHard(server);
    await db?.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('answers every request without a 5xx and stores every acknowledged ticket', async () => {
    const r = await run({
      url: server.url,
      db,
      clients: 200,
      ticketsPerSecond: 50,
      durationS: 15,
      runId: `loadtest-${Date.now()}`,
    });
    expect(r.total5xx).toBe(0);
    expect(r.totalFailed).toBe(0);
    expect(Object.keys(r.endpoints).sort()).toEqual(['hotspots', 'intake', 'points', 'ranking', 'regions', 'summary']);
    for (const [name, e] of Object.entries(r.endpoints)) expect(e.status4xx, name).toBe(0);
    expect(r.ticketsSent).toBe(50 * 15);
    expect(r.ticketsAcknowledged).toBe(r.ticketsSent);
    expect(r.ticketsStored).toBe(r.ticketsAcknowledged);
  }, 600_000);
});
