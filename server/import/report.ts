// The import report: every row of the file in exactly one bucket, with the reasons. Counts are
// complete; lists of rows (rejected, merged, outside, …) keep the first `detailLimit` entries so a
// million bad rows cannot fill the memory (`truncated` says so).
import type { DateFold } from './dates.ts';
import type { PlaceholderKind } from './coords.ts';
import type { RowNotes } from './rows.ts';

export interface RejectedRow {
  line: number;
  field: string;
  reason: string;
  externalId?: string;
}

export interface ImportReport {
  source: string;
  file: string | null;
  engine: string;
  timeZone: string;
  /** Open tickets are judged (reminded, overdue) as of this instant. */
  asOf: string;
  startedAt: string;
  finishedAt: string | null;
  ms: { read: number; insert: number; link: number; rollups: number; total: number };
  /**
   * How tickets were written: 'triggers' (rollups kept per chunk by the triggers), 'bulk' (triggers
   * skipped, rollups rebuilt once) or 'chunks' (triggers skipped, each chunk adds its own tickets to the rollups).
   */
  mode: 'triggers' | 'bulk' | 'chunks';
  /** Data rows read (the header not counted). */
  rows: number;
  /** Each row in exactly one: rows = imported + alreadyImported + merged + rejected. */
  buckets: { imported: number; alreadyImported: number; merged: number; rejected: number };
  /** The imported rows by place: imported = located + outside + unlocated. */
  location: { located: number; outside: number; unlocated: number };
  /** Why imported rows are unlocated: unlocated = noCoordinates + invalid + placeholder. */
  unlocated: { noCoordinates: number; invalid: number; placeholder: Record<PlaceholderKind, number> };
  /** Imported rows by their status here, and those overdue by their own due time. */
  statuses: Record<string, number>;
  overdue: number;
  /** Rows the source marked as duplicates (closed here), and how many were linked to the earlier ticket they repeat. */
  sourceDuplicates: { marked: number; linked: number };
  rejected: { byReason: { field: string; reason: string; count: number }[]; rows: RejectedRow[]; truncated: boolean };
  merged: {
    rule: 'first' | 'last';
    rows: { line: number; externalId: string; keptLine: number }[];
    truncated: boolean;
  };
  alreadyImported: { rows: { line: number; externalId: string }[]; truncated: boolean };
  outside: {
    minMetres: number | null;
    maxMetres: number | null;
    rows: { line: number; externalId: string; metres: number }[];
    truncated: boolean;
  };
  placeholders: { repeatedPoints: { lon: number; lat: number; rows: number }[] };
  /** Source values the mapping does not know, with counts. */
  unmapped: {
    category: Record<string, number>;
    agency: Record<string, number>;
    channel: Record<string, number>;
    status: Record<string, number>;
  };
  warnings: {
    /** A closed time on a row whose status is not closed: ignored. */
    closedTimeIgnored: number;
    closedBeforeReceived: number;
    closedWithoutTime: number;
    dueBeforeReceived: number;
    /** A dispatched-or-later status with no unit to hold it (no place, no agency): kept as received. */
    statusWithoutUnit: number;
    /** Wall times in a daylight-saving gap (moved forward) or overlap (the earlier instant taken). */
    timesInGap: number;
    timesAmbiguous: number;
  };
}

const bump = (m: Record<string, number>, k: string, by = 1) => {
  m[k] = (m[k] ?? 0) + by;
};

/** Keeps at most this many distinct unknown values per table. */
const MAX_DISTINCT = 1000;

export class ReportBuilder {
  readonly report: ImportReport;
  private readonly reasons = new Map<string, { field: string; reason: string; count: number }>();

  constructor(
    init: Pick<ImportReport, 'source' | 'file' | 'engine' | 'timeZone' | 'asOf'> & { rule: 'first' | 'last' },
    private readonly detailLimit: number,
  ) {
    this.report = {
      source: init.source,
      file: init.file,
      engine: init.engine,
      timeZone: init.timeZone,
      asOf: init.asOf,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      ms: { read: 0, insert: 0, link: 0, rollups: 0, total: 0 },
      mode: 'triggers',
      rows: 0,
      buckets: { imported: 0, alreadyImported: 0, merged: 0, rejected: 0 },
      location: { located: 0, outside: 0, unlocated: 0 },
      unlocated: { noCoordinates: 0, invalid: 0, placeholder: { zero: 0, whole_degrees: 0, listed: 0, repeated: 0 } },
      statuses: {},
      overdue: 0,
      sourceDuplicates: { marked: 0, linked: 0 },
      rejected: { byReason: [], rows: [], truncated: false },
      merged: { rule: init.rule, rows: [], truncated: false },
      alreadyImported: { rows: [], truncated: false },
      outside: { minMetres: null, maxMetres: null, rows: [], truncated: false },
      placeholders: { repeatedPoints: [] },
      unmapped: { category: {}, agency: {}, channel: {}, status: {} },
      warnings: {
        closedTimeIgnored: 0,
        closedBeforeReceived: 0,
        closedWithoutTime: 0,
        dueBeforeReceived: 0,
        statusWithoutUnit: 0,
        timesInGap: 0,
        timesAmbiguous: 0,
      },
    };
  }

  private keep<T>(list: { rows: T[]; truncated: boolean }, item: T) {
    if (list.rows.length < this.detailLimit) list.rows.push(item);
    else list.truncated = true;
  }

  reject(r: RejectedRow) {
    this.report.buckets.rejected++;
    // Reasons are grouped by field and the reason's text without quoted values.
    const general = r.reason.replace(/'[^']*'/g, "'…'");
    const key = `${r.field}\u0000${general}`;
    const g = this.reasons.get(key);
    if (g) g.count++;
    else if (this.reasons.size < MAX_DISTINCT) this.reasons.set(key, { field: r.field, reason: general, count: 1 });
    this.keep(this.report.rejected, r);
  }

  notes(n: RowNotes) {
    const u = this.report.unmapped;
    const w = this.report.warnings;
    const note = (m: Record<string, number>, k: string) => {
      if (k in m || Object.keys(m).length < MAX_DISTINCT) bump(m, k);
    };
    if (n.unmappedCategory !== undefined) note(u.category, n.unmappedCategory);
    if (n.unknownAgency !== undefined) note(u.agency, n.unknownAgency);
    if (n.defaultedChannel !== undefined) note(u.channel, n.defaultedChannel);
    if (n.defaultedStatus !== undefined) note(u.status, n.defaultedStatus);
    if (n.closedIgnored) w.closedTimeIgnored++;
    if (n.closedBeforeReceived) w.closedBeforeReceived++;
    if (n.closedWithoutTime) w.closedWithoutTime++;
    if (n.dueBeforeReceived) w.dueBeforeReceived++;
    for (const f of n.folds ?? []) {
      if (f === 'gap') w.timesInGap++;
      else w.timesAmbiguous++;
    }
  }

  merged(rows: { line: number; externalId: string; keptLine: number }[], count: number) {
    this.report.buckets.merged += count;
    for (const r of rows) this.keep(this.report.merged, r);
    if (count > rows.length) this.report.merged.truncated = true;
  }

  alreadyImported(rows: { line: number; externalId: string }[], count: number) {
    this.report.buckets.alreadyImported += count;
    for (const r of rows) this.keep(this.report.alreadyImported, r);
    if (count > rows.length) this.report.alreadyImported.truncated = true;
  }

  outside(rows: { line: number; externalId: string; metres: number }[]) {
    const o = this.report.outside;
    for (const r of rows) {
      o.minMetres = o.minMetres === null ? r.metres : Math.min(o.minMetres, r.metres);
      o.maxMetres = o.maxMetres === null ? r.metres : Math.max(o.maxMetres, r.metres);
      this.keep(o, r);
    }
  }

  status(status: string, n: number) {
    if (n) bump(this.report.statuses, status, n);
  }

  finish(): ImportReport {
    this.report.rejected.byReason = [...this.reasons.values()].sort((a, b) => b.count - a.count);
    this.report.rejected.rows.sort((a, b) => a.line - b.line);
    this.report.merged.rows.sort((a, b) => a.line - b.line);
    this.report.alreadyImported.rows.sort((a, b) => a.line - b.line);
    this.report.outside.rows.sort((a, b) => a.line - b.line);
    this.report.finishedAt = new Date().toISOString();
    return this.report;
  }
}

/** Does every row sit in exactly one bucket? (rows = imported + alreadyImported + merged + rejected, imported = located + outside + unlocated, …) */
export function reportBalances(r: ImportReport): boolean {
  const b = r.buckets;
  const u = r.unlocated;
  const placeholders = Object.values(u.placeholder).reduce((a, n) => a + n, 0);
  return (
    r.rows === b.imported + b.alreadyImported + b.merged + b.rejected &&
    b.imported === r.location.located + r.location.outside + r.location.unlocated &&
    r.location.unlocated === u.noCoordinates + u.invalid + placeholders &&
    b.imported === Object.values(r.statuses).reduce((a, n) => a + n, 0)
  );
}

export type { DateFold };
