// Recurring clusters on a dense city-year on the embedded engine (issue "Any city": 301 s on a real
// city's 74k tickets of one category-year with one address holding 125). A synthetic year of one
// New York category, points spread over Manhattan and Brooklyn plus 125 at one address.
import type { Database } from '../../db/client.ts';
import { openDatabase } from '../../db/client.ts';
import { importCityPackage } from '../../data/city/import.ts';
import { activateCity } from '../../server/city.ts';
import { recurringClusters } from '../../server/analysis/clusters.ts';
import { rebuildRollups } from '../../server/analysis/rollups.ts';
import { locateTickets } from '../../db/locate.ts';
import { row, timed } from './machine.ts';

async function denseYear(db: Database, n: number): Promise<void> {
  let s = 7;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const t0 = Date.parse('2025-01-01T05:00:00Z');
  for (let k = 0; k < n; k += 5000) {
    const rows: string[] = [];
    for (let i = k; i < Math.min(n, k + 5000); i++) {
      const dense = i < 125;
      const [lon, lat] = dense ? [-73.95, 40.65] : [-74.02 + rnd() * 0.12, 40.6 + rnd() * 0.2];
      const at = new Date(t0 + rnd() * 364 * 86400e3).toISOString();
      rows.push(
        `(${i + 1}, 'complaint', 'phone', 'housing.heat_hot_water', 'basic', '', '${dense ? '1 Dense Ave' : `${i % 5000} Main St`}', ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 'unlocated', '${at}')`,
      );
    }
    await db.query(
      `INSERT INTO tickets (id, kind, channel, category_code, urgency, description, address, geom, location_status, received_at) VALUES ${rows.join(',')}`,
    );
  }
  await locateTickets(db);
  await rebuildRollups(db);
}

export async function run(n = Number(process.env.BENCH_CLUSTER_TICKETS ?? 74_000)): Promise<void> {
  const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' });
  try {
    await importCityPackage(db, 'data/cities/nyc');
    await activateCity(db);
    await denseYear(db, n);
    const req = {
      category: 'housing.heat_hot_water',
      from: '2025-01-01',
      to: '2025-12-31',
      eps: 60,
      minPoints: 5,
      minWeeks: 3,
      minLift: 1.5,
      maxRadius: 300,
      alpha: 0.05,
    };
    const { ms, value } = await timed(() => recurringClusters(db, req, { kind: 'city' } as never));
    const t = (value as { timing: Record<string, number> }).timing;
    row(
      `clusters, one category-year of ${n.toLocaleString('en')} (125 at one address), PGlite`,
      `${(ms / 1000).toFixed(1)} s`,
      `DBSCAN ${t.dbscan} ms, summary ${t.summary} ms, detail ${t.detail} ms; target < 10 s`,
    );
    // Baseline in the same run: the DBSCAN window alone over the same points (the floor any query shape pays).
    const floor = await timed(() =>
      db.query(
        `SELECT count(*) FROM (SELECT ST_ClusterDBSCAN(ST_MakePoint(ST_X(geom) * 84000, ST_Y(geom) * 111000), 60, 5) OVER (ORDER BY id) c FROM tickets) x`,
      ),
    );
    row('  baseline: ST_ClusterDBSCAN alone over the same points', `${(floor.ms / 1000).toFixed(1)} s`);
  } finally {
    await db.close();
  }
}
