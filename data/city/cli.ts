// npm run city -- check DIR | import DIR | show
//   check   reads the package and runs the whole import on an in-memory database, rolled back:
//           every problem with its file, feature and property; nothing is written anywhere
//   import  imports it into DATABASE_URL (PostgreSQL) or the embedded PGlite folder, all or nothing
//   show    prints the city the database holds
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.ts';
import { checkCityPackage, formatProblems, importCityPackage, type CityImportReport } from './import.ts';
import { CITY_META_KEY, type StoredCity } from './stored.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'pglite-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const [command, dir] = positionals;
const usage = `usage: npm run city -- check DIR      check a city package (nothing is written)
       npm run city -- import DIR     import it (DATABASE_URL, else PGLITE_DIR or .data/pglite); stop the server first on PGlite
       npm run city -- show           the city this database holds
options: --json (the report as JSON), --pglite-dir DIR`;

function print(report: CityImportReport, verb: string): void {
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const c = report.counts;
  if (report.ok)
    console.log(
      `${verb} ${report.city}: ${c.district} districts, ${c.street} streets, ${c.community} communities, ${c.grid} grid cells, ${c.categories} categories, ${c.departments} departments, ${c.zones} zones`,
    );
  else
    console.log(
      `${report.city ?? 'package'}: ${report.problems.length} problem(s), nothing ${report.dryRun ? 'would be' : 'was'} written`,
    );
  for (const line of formatProblems(report.problems)) console.log(`  ✗ ${line}`);
  for (const line of formatProblems(report.warnings)) console.log(`  ! ${line}`);
}

if (values.help || !command || (command !== 'show' && !dir)) {
  console.log(usage);
  process.exit(command || values.help ? 0 : 2);
}
if (command === 'check') {
  const report = await checkCityPackage(dir!);
  print(report, 'would import');
  process.exit(report.ok ? 0 : 1);
} else if (command === 'import' || command === 'show') {
  const db = await openDatabase({ pgliteDir: values['pglite-dir'] });
  try {
    if (command === 'show') {
      const [row] = await db.query<{ value: StoredCity }>(`SELECT value FROM meta WHERE key = $1`, [CITY_META_KEY]);
      console.log(
        row
          ? JSON.stringify(
              { ...row.value.manifest, importedAt: row.value.importedAt, source: row.value.source },
              null,
              2,
            )
          : 'no city imported yet',
      );
    } else {
      const report = await importCityPackage(db, dir!);
      print(report, 'imported');
      process.exitCode = report.ok ? 0 : 1;
    }
  } finally {
    await db.close();
  }
} else {
  console.log(usage);
  process.exit(2);
}
