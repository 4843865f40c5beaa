// The filtered tickets for export, oldest first, with region and category names joined in SQL.
import type { Queryable } from '../../db/client.ts';
import type { ResolvedFilter } from '../filters.ts';
import type { ExportRow } from './columns.ts';
import { overdueNowSql } from '../measures.ts';

/** An export bigger than this is refused: a spreadsheet of a million rows helps nobody. */
export const MAX_EXPORT_ROWS = 200_000;

export function exportRows(db: Queryable, f: ResolvedFilter): Promise<ExportRow[]> {
  return db.query<ExportRow>(
    `SELECT t.id::float8 AS id, t.received_at AS "receivedAt", t.kind, t.channel,
            g.name_zh AS "groupZh", g.name_en AS "groupEn", k.name_zh AS "categoryZh", k.name_en AS "categoryEn",
            t.urgency, t.status, d.name_zh AS "districtZh", d.name_en AS "districtEn",
            s.name_zh AS "streetZh", s.name_en AS "streetEn", t.grid_code AS "gridCode", t.address,
            round(ST_X(t.geom)::numeric, 6)::float8 AS lon, round(ST_Y(t.geom)::numeric, 6)::float8 AS lat,
            (${overdueNowSql('t')}) AS overdue,
            t.return_count AS "returnCount"
     FROM tickets t
     JOIN categories k ON k.code = t.category_code
     JOIN category_groups g ON g.code = k.group_code
     LEFT JOIN regions d ON d.code = t.district_code
     LEFT JOIN regions s ON s.code = t.street_code
     WHERE ${f.where}
     ORDER BY t.received_at, t.id
     LIMIT ${MAX_EXPORT_ROWS}`,
    f.params,
  );
}
