// Upsert the taxonomy into category_groups / departments / categories. Idempotent: running it
// again updates names and rules in place. Codes that disappeared from the file are left in the
// table on purpose, because existing tickets still reference them.
import type { Queryable } from '../../db/client.ts';
import type { Taxonomy } from './schema.ts';
import { TAXONOMY } from './taxonomy.ts';

export async function seedTaxonomy(db: Queryable, t: Taxonomy = TAXONOMY): Promise<void> {
  // unnest over arrays: one round trip per table, the same SQL on PostgreSQL and PGlite.
  await db.query(
    `INSERT INTO category_groups (code, name_zh, name_en)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en`,
    [t.groups.map((g) => g.code), t.groups.map((g) => g.nameZh), t.groups.map((g) => g.nameEn)],
  );
  await db.query(
    `INSERT INTO departments (code, kind, name_zh, name_en)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en`,
    [
      t.departments.map((d) => d.code),
      t.departments.map((d) => d.kind),
      t.departments.map((d) => d.nameZh),
      t.departments.map((d) => d.nameEn),
    ],
  );
  const c = t.categories;
  await db.query(
    `INSERT INTO categories (code, group_code, name_zh, name_en, urgency, department_code, parallel, respond_minutes, resolve_minutes)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::int[], $9::int[])
     ON CONFLICT (code) DO UPDATE SET group_code = EXCLUDED.group_code, name_zh = EXCLUDED.name_zh,
       name_en = EXCLUDED.name_en, urgency = EXCLUDED.urgency, department_code = EXCLUDED.department_code,
       parallel = EXCLUDED.parallel, respond_minutes = EXCLUDED.respond_minutes, resolve_minutes = EXCLUDED.resolve_minutes`,
    [
      c.map((x) => x.code),
      c.map((x) => x.groupCode),
      c.map((x) => x.nameZh),
      c.map((x) => x.nameEn),
      c.map((x) => x.urgency),
      c.map((x) => x.departmentCode),
      c.map((x) => x.parallel),
      c.map((x) => x.respondWithin ?? null),
      c.map((x) => x.resolveWithin ?? null),
    ],
  );
}
