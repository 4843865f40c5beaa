// npm run bench — figures with the machine they were measured on, each beside a baseline from the same run.
//   TEST_DATABASE_URL=postgres://…  also run on PostgreSQL + PostGIS (in a database of its own, hotline_bench)
//   BENCH_ONLY=locate,startup       run a subset
import type { Engine } from '../../db/client.ts';
import { openTestDatabase } from '../helpers/engines.ts';
import { loadBeijing } from '../../data/geo/importer.ts';
import { machineLine } from './machine.ts';
import * as locate from './locate.bench.ts';
import * as startup from './startup.bench.ts';

const only = new Set((process.env.BENCH_ONLY ?? 'locate,startup').split(','));
const engines: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

console.log(`machine: ${machineLine()}`);
console.log(`date: ${new Date().toISOString()}\n`);

if (only.has('locate')) {
  console.log('locate on intake');
  for (const engine of engines) {
    const db = await openTestDatabase(engine, 'hotline_bench');
    await loadBeijing(db);
    await locate.run(db);
    await db.close();
  }
}
if (only.has('startup')) {
  console.log('\nstart-up (npm start)');
  await startup.run();
}
