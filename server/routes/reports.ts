import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { plausibleYear, validQuery, YEAR_MESSAGE } from '../validate.ts';
import {
  DATE_PATTERN,
  MONTH_PATTERN,
  WEEK_PATTERN,
  cityDateOf,
  isCalendarDate,
  isIsoWeek,
  isoWeekOf,
} from '../ranking/periods.ts';
import { rankingService } from '../ranking/service.ts';
import { dataRange } from '../ranking/sql.ts';
import { annualReport, dailyReport, monthlyBulletin, weeklyReport, type Report } from '../reports/build.ts';
import { contentDisposition, LANGS, REPORT_TITLES, reportFileName, type Lang } from '../reports/labels.ts';
import { reportSheets } from '../reports/sheets.ts';
import { workbookBuffer } from '../reports/xlsx.ts';
import { bulletinHtml } from '../reports/html.ts';
import { lastCompleteDay, lastCompleteWeekMonday } from '../measures.ts';

const lang = z.enum(LANGS).default('zh');
const tableFormat = z.enum(['json', 'xlsx']).default('json');
// Years outside 1900–2999 are refused: date arithmetic on 9999-12-31 left the 4-digit years (a 500).
const date = z
  .string()
  .regex(DATE_PATTERN, 'must be YYYY-MM-DD')
  .refine(isCalendarDate, 'no such calendar day')
  .refine(plausibleYear, YEAR_MESSAGE);
const week = z
  .string()
  .regex(WEEK_PATTERN, 'must be an ISO week YYYY-Www')
  .refine(isIsoWeek, 'no such ISO week in that year')
  .refine(plausibleYear, YEAR_MESSAGE);
const month = z.string().regex(MONTH_PATTERN, 'must be YYYY-MM with a month 01–12').refine(plausibleYear, YEAR_MESSAGE);
const year = z.coerce.number().int().min(2000).max(2100);

/** The city date of the newest ticket (the annual summary's default year). */
async function latestDate(c: Context<AppEnv>): Promise<string> {
  const svc = rankingService(c.get('reads'));
  const { last } = await dataRange(c.get('reads'));
  return cityDateOf(last ?? svc.now(), svc.timeZone);
}

/**
 * What a daily or weekly report means when it names no period: the last complete one (yesterday,
 * last week), never the unfinished current one (server/measures.ts). An unfinished period asked for
 * by name is compared same-time-to-date (server/reports/build.ts).
 */
async function lastComplete(c: Context<AppEnv>, kind: 'day' | 'week'): Promise<string> {
  const svc = rankingService(c.get('reads'));
  const { last } = await dataRange(c.get('reads'));
  return kind === 'day'
    ? lastCompleteDay(svc.now(), last, svc.timeZone)
    : isoWeekOf(lastCompleteWeekMonday(svc.now(), last, svc.timeZone));
}

async function send(c: Context<AppEnv>, report: Report, format: 'json' | 'xlsx' | 'html', lng: Lang) {
  if (format === 'json') return c.json(report);
  const title = `${REPORT_TITLES[report.kind][lng]} ${report.label}`;
  if (format === 'html' && report.kind === 'monthly') {
    c.header(
      'Content-Disposition',
      contentDisposition(
        'inline',
        reportFileName(report.kind, report.label, lng, 'html'),
        reportFileName(report.kind, report.label, 'en', 'html'),
      ),
    );
    return c.html(bulletinHtml(report, lng));
  }
  const body = await workbookBuffer(reportSheets(report, lng), {
    title,
    subject: `${report.period.from} – ${report.period.to}`,
  });
  c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  c.header(
    'Content-Disposition',
    contentDisposition(
      'attachment',
      reportFileName(report.kind, report.label, lng, 'xlsx'),
      reportFileName(report.kind, report.label, 'en', 'xlsx'),
    ),
  );
  return c.body(new Uint8Array(body));
}

/**
 * The reporting rhythm: daily report, weekly analysis, monthly bulletin, annual summary.
 * Each is JSON by default, `format=xlsx` downloads it (Chinese sheets; `lang=en` for English),
 * and the monthly bulletin is also a printable A4 page with `format=html`. A district or street
 * official's report is their own unit's (server/reports/build.ts, JURISDICTION).
 */
export const reports = new Hono<AppEnv>()
  /** GET /api/reports/daily?date=YYYY-MM-DD[&format=xlsx][&lang=en] */
  .get('/daily', validQuery(z.object({ date: date.optional(), format: tableFormat, lang })), async (c) => {
    const q = c.req.valid('query');
    return send(
      c,
      await dailyReport(c.get('reads'), q.date ?? (await lastComplete(c, 'day')), c.get('principal').scope),
      q.format,
      q.lang,
    );
  })
  /** GET /api/reports/weekly?week=YYYY-Www (ISO week, city time) */
  .get('/weekly', validQuery(z.object({ week: week.optional(), format: tableFormat, lang })), async (c) => {
    const q = c.req.valid('query');
    return send(
      c,
      await weeklyReport(c.get('reads'), q.week ?? (await lastComplete(c, 'week')), c.get('principal').scope),
      q.format,
      q.lang,
    );
  })
  /** GET /api/reports/monthly?month=YYYY-MM[&format=xlsx|html] — the bulletin: ranking, classes, movers, red zone. */
  .get(
    '/monthly',
    validQuery(z.object({ month: month.optional(), format: z.enum(['json', 'xlsx', 'html']).default('json'), lang })),
    async (c) => {
      const q = c.req.valid('query');
      const m = q.month ?? (await rankingService(c.get('reads')).defaultMonth());
      return send(c, await monthlyBulletin(c.get('reads'), m, c.get('principal').scope), q.format, q.lang);
    },
  )
  /** GET /api/reports/annual?year=YYYY */
  .get('/annual', validQuery(z.object({ year: year.optional(), format: tableFormat, lang })), async (c) => {
    const q = c.req.valid('query');
    return send(
      c,
      await annualReport(c.get('reads'), q.year ?? Number((await latestDate(c)).slice(0, 4)), c.get('principal').scope),
      q.format,
      q.lang,
    );
  });
