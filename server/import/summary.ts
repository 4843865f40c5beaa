// The import report in a few lines for a terminal (the CLI prints it; --report writes the JSON).
import type { ImportProgress } from './importer.ts';
import type { ImportReport } from './report.ts';

const n = (v: number) => v.toLocaleString('en');

export function describeProgress(p: ImportProgress): string {
  const s = `${(p.elapsedMs / 1000).toFixed(1)} s`;
  switch (p.phase) {
    case 'reading':
      return `reading: ${n(p.rows)} rows, ${n(p.staged)} staged · ${n(p.rate)} rows/s · ${s}`;
    case 'judging':
      return `judging ${n(p.staged)} staged rows (placeholders, repeated ids, earlier imports)… · ${s}`;
    case 'writing':
      return `writing: ${n(p.written)} / ${n(p.toWrite)} (${p.toWrite ? Math.floor((100 * p.written) / p.toWrite) : 100}%) · ${s}`;
    case 'linking':
      return `linking the source's duplicates… · ${s}`;
    case 'rollups':
      return `rebuilding rollups… · ${s}`;
    case 'done':
      return `done: ${n(p.rows)} rows in ${s} (${n(p.rate)} rows/s)`;
    case 'failed':
      return `failed after ${n(p.rows)} rows, ${s}`;
  }
}

export function summaryLines(r: ImportReport): string[] {
  const b = r.buckets;
  const u = r.unlocated;
  const ph = u.placeholder;
  const lines = [
    `${r.source}${r.file ? ` (${r.file})` : ''}: ${n(r.rows)} rows in ${(r.ms.total / 1000).toFixed(1)} s on ${r.engine}, times without offset read in ${r.timeZone}`,
    `  imported ${n(b.imported)} · already imported ${n(b.alreadyImported)} · merged (repeated id, ${r.merged.rule} kept) ${n(b.merged)} · rejected ${n(b.rejected)}`,
    `  imported rows: located ${n(r.location.located)} · outside ${n(r.location.outside)}${r.outside.maxMetres !== null ? ` (${n(Math.round(r.outside.minMetres!))}–${n(Math.round(r.outside.maxMetres))} m from the nearest region)` : ''} · unlocated ${n(r.location.unlocated)} (no point ${n(u.noCoordinates)}, unreadable ${n(u.invalid)}, placeholder ${n(ph.zero + ph.whole_degrees + ph.listed + ph.repeated)})`,
    `  statuses: ${
      Object.entries(r.statuses)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(' · ') || '—'
    } · overdue by their own due time ${n(r.overdue)} · source duplicates ${n(r.sourceDuplicates.marked)} (linked ${n(r.sourceDuplicates.linked)})`,
  ];
  for (const p of r.placeholders.repeatedPoints)
    lines.push(`  placeholder point (${p.lat}, ${p.lon}) on ${n(p.rows)} rows: not located`);
  for (const x of r.rejected.byReason.slice(0, 10)) lines.push(`  rejected ${n(x.count)} × ${x.field}: ${x.reason}`);
  for (const x of r.rejected.rows.slice(0, 10))
    lines.push(`    line ${x.line}${x.externalId ? ` (${x.externalId})` : ''}, ${x.field}: ${x.reason}`);
  for (const [table, values] of Object.entries(r.unmapped)) {
    const entries = Object.entries(values).sort((a, c) => c[1] - a[1]);
    if (entries.length)
      lines.push(
        `  unmapped ${table}: ${entries
          .slice(0, 8)
          .map(([k, v]) => `'${k}' ${n(v)}`)
          .join(', ')}${entries.length > 8 ? `, … ${entries.length - 8} more` : ''}`,
      );
  }
  const w = Object.entries(r.warnings).filter(([, v]) => v > 0);
  if (w.length) lines.push(`  notes: ${w.map(([k, v]) => `${k} ${n(v)}`).join(' · ')}`);
  return lines;
}
