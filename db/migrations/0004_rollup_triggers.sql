-- Rollups kept current by the database itself, so no intake path (REST, Open311, CSV import,
-- the demo's COPY, a manual UPDATE) can forget them. Statement-level triggers with transition
-- tables: a COPY chunk of 20,000 tickets or a bulk UPDATE costs one grouped upsert per rollup
-- table, a single-ticket intake a handful of rows.
--
-- hotline_rollup_sql(src, zone) is the ONE definition of what is counted; the triggers and
-- hotline_rollup_rebuild() both run it, src being the changed rows (with sign +1 / -1) or the
-- whole tickets table. Days are calendar days in the city's zone (meta 'city.time_zone').
-- The rollups can be paused for a bulk load (meta 'rollups.paused'); hotline_rollup_rebuild()
-- rebuilds them in one statement and lifts the pause.

CREATE OR REPLACE FUNCTION hotline_city_zone() RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT value #>> '{}' FROM meta WHERE key = 'city.time_zone'), 'Asia/Shanghai')
$$;
--> statement-breakpoint

-- The columns a rollup reads, qualified by alias (bare when alias is ''); an UPDATE that changes
-- none of them costs nothing.
CREATE OR REPLACE FUNCTION hotline_rollup_columns(alias text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(CASE WHEN alias = '' THEN format('%I', c) ELSE format('%I.%I', alias, c) END, ', ' ORDER BY ord)
  FROM unnest(ARRAY['category_code', 'received_at', 'h3_r7', 'h3_r8', 'h3_r9', 'district_code', 'street_code',
                    'grid_code', 'callback_at', 'solved', 'satisfaction', 'repeat_of']) WITH ORDINALITY AS u(c, ord)
$$;
--> statement-breakpoint

-- One grouped upsert into every rollup. src yields hotline_rollup_columns plus "sign" (+1 adds a
-- ticket, -1 removes it). Counts per (cell/region, day, category) are summed before the upsert,
-- so no row is touched twice in one command. With upsert = false (a rebuild into empty tables)
-- the rows are plain inserts: every key occurs once, and skipping the conflict check and the
-- RETURNING halves the rebuild.
CREATE OR REPLACE FUNCTION hotline_rollup_sql(src text, zone text, upsert boolean DEFAULT true) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
WITH s AS (%1$s),
d AS (
  SELECT category_code, (received_at AT TIME ZONE %2$L)::date AS day, h3_r7, h3_r8, h3_r9,
         district_code, street_code, grid_code,
         sum(sign)::int AS tickets,
         COALESCE(sum(sign) FILTER (WHERE callback_at IS NOT NULL), 0)::int AS called_back,
         COALESCE(sum(sign) FILTER (WHERE callback_at IS NOT NULL AND solved), 0)::int AS solved,
         COALESCE(sum(sign) FILTER (WHERE callback_at IS NOT NULL AND satisfaction = 'satisfied'), 0)::int AS satisfied,
         COALESCE(sum(sign) FILTER (WHERE callback_at IS NOT NULL AND satisfaction = 'basic'), 0)::int AS basic,
         COALESCE(sum(sign) FILTER (WHERE repeat_of IS NOT NULL), 0)::int AS repeats
  FROM s GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
),
h AS (
  SELECT r.res, d.category_code, d.day, r.cell, COALESCE(d.district_code, '') AS district_code,
         sum(d.tickets)::int AS tickets
  FROM d CROSS JOIN LATERAL (VALUES (7::smallint, d.h3_r7), (8::smallint, d.h3_r8), (9::smallint, d.h3_r9)) AS r(res, cell)
  WHERE r.cell IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(d.tickets) <> 0
),
h_up AS (
  INSERT INTO rollup_h3_daily AS x (res, category_code, day, cell, district_code, tickets)
  SELECT res, category_code, day, cell, district_code, tickets FROM h
  %3$s
),
t_up AS (
  INSERT INTO rollup_h3_daily_total AS x (res, day, cell, district_code, tickets)
  SELECT res, day, cell, district_code, sum(tickets)::int FROM h GROUP BY 1, 2, 3, 4 HAVING sum(tickets) <> 0
  %4$s
),
c_up AS (
  INSERT INTO rollup_h3_cells AS x (res, cell, district_code, first_day, last_day, tickets)
  SELECT res, cell, district_code, min(day), max(day), sum(tickets)::int FROM h GROUP BY 1, 2, 3
  %5$s
),
g AS (
  SELECT r.level, d.category_code, d.day, r.code AS region_code,
         sum(d.tickets)::int AS tickets, sum(d.called_back)::int AS called_back, sum(d.solved)::int AS solved,
         sum(d.satisfied)::int AS satisfied, sum(d.basic)::int AS basic, sum(d.repeats)::int AS repeats
  FROM d CROSS JOIN LATERAL (VALUES ('district', d.district_code), ('street', d.street_code), ('grid', d.grid_code)) AS r(level, code)
  WHERE r.code IS NOT NULL
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.tickets) <> 0 OR sum(d.called_back) <> 0 OR sum(d.solved) <> 0 OR sum(d.satisfied) <> 0
      OR sum(d.basic) <> 0 OR sum(d.repeats) <> 0
),
g_up AS (
  INSERT INTO rollup_region_daily AS x (level, category_code, day, region_code, tickets, called_back, solved, satisfied, basic, repeats)
  SELECT level, category_code, day, region_code, tickets, called_back, solved, satisfied, basic, repeats FROM g
  %6$s
)
%7$s
$q$, src, zone,
  CASE WHEN upsert THEN $c$ON CONFLICT (res, category_code, day, cell, district_code) DO UPDATE SET tickets = x.tickets + EXCLUDED.tickets
  RETURNING x.res, x.category_code, x.day, x.cell, x.district_code, x.tickets$c$ ELSE '' END,
  CASE WHEN upsert THEN $c$ON CONFLICT (res, day, cell, district_code) DO UPDATE SET tickets = x.tickets + EXCLUDED.tickets
  RETURNING x.res, x.day, x.cell, x.district_code, x.tickets$c$ ELSE '' END,
  CASE WHEN upsert THEN $c$ON CONFLICT (res, cell, district_code) DO UPDATE SET
    first_day = LEAST(x.first_day, EXCLUDED.first_day),
    last_day = GREATEST(x.last_day, EXCLUDED.last_day),
    tickets = x.tickets + EXCLUDED.tickets
  RETURNING x.res, x.cell, x.district_code, x.tickets$c$ ELSE '' END,
  CASE WHEN upsert THEN $c$ON CONFLICT (level, category_code, day, region_code) DO UPDATE SET
    tickets = x.tickets + EXCLUDED.tickets, called_back = x.called_back + EXCLUDED.called_back,
    solved = x.solved + EXCLUDED.solved, satisfied = x.satisfied + EXCLUDED.satisfied,
    basic = x.basic + EXCLUDED.basic, repeats = x.repeats + EXCLUDED.repeats
  RETURNING x.level, x.category_code, x.day, x.region_code,
            x.tickets = 0 AND x.called_back = 0 AND x.solved = 0 AND x.satisfied = 0 AND x.basic = 0 AND x.repeats = 0 AS empty$c$
  ELSE '' END,
  CASE WHEN upsert THEN $c$SELECT jsonb_strip_nulls(jsonb_build_object(
  'h', (SELECT jsonb_agg(jsonb_build_array(res, category_code, day, cell, district_code)) FROM h_up WHERE tickets = 0),
  't', (SELECT jsonb_agg(jsonb_build_array(res, day, cell, district_code)) FROM t_up WHERE tickets = 0),
  'c', (SELECT jsonb_agg(jsonb_build_array(res, cell, district_code)) FROM c_up WHERE tickets = 0),
  'g', (SELECT jsonb_agg(jsonb_build_array(level, category_code, day, region_code)) FROM g_up WHERE empty)))$c$
  ELSE $c$SELECT '{}'::jsonb$c$ END)
$fn$;
--> statement-breakpoint

-- Rows whose counts fell to zero (the upsert returns their keys) are deleted by primary key, so a
-- removal costs a few index probes however large the rollups grow.
CREATE OR REPLACE FUNCTION hotline_rollup_drop_zeros(zeros jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF zeros ? 'h' THEN
    DELETE FROM rollup_h3_daily x USING jsonb_array_elements(zeros -> 'h') AS e(k)
     WHERE x.res = (k ->> 0)::smallint AND x.category_code = k ->> 1 AND x.day = (k ->> 2)::date
       AND x.cell = k ->> 3 AND x.district_code = k ->> 4 AND x.tickets = 0;
  END IF;
  IF zeros ? 't' THEN
    DELETE FROM rollup_h3_daily_total x USING jsonb_array_elements(zeros -> 't') AS e(k)
     WHERE x.res = (k ->> 0)::smallint AND x.day = (k ->> 1)::date AND x.cell = k ->> 2
       AND x.district_code = k ->> 3 AND x.tickets = 0;
  END IF;
  IF zeros ? 'c' THEN
    DELETE FROM rollup_h3_cells x USING jsonb_array_elements(zeros -> 'c') AS e(k)
     WHERE x.res = (k ->> 0)::smallint AND x.cell = k ->> 1 AND x.district_code = k ->> 2 AND x.tickets = 0;
  END IF;
  IF zeros ? 'g' THEN
    DELETE FROM rollup_region_daily x USING jsonb_array_elements(zeros -> 'g') AS e(k)
     WHERE x.level = k ->> 0 AND x.category_code = k ->> 1 AND x.day = (k ->> 2)::date AND x.region_code = k ->> 3
       AND x.tickets = 0 AND x.called_back = 0 AND x.solved = 0 AND x.satisfied = 0 AND x.basic = 0 AND x.repeats = 0;
  END IF;
END
$$;
--> statement-breakpoint

-- Transition tables are visible only to this function's own statements, dynamic ones included,
-- so the SQL is built by the helpers above and EXECUTEd here.
-- enable_nestloop = off: transition tables carry no statistics, and the planner's guess makes it
-- pair old and new rows by nested loop (20,000 × 20,000 comparisons for a 20,000-row UPDATE);
-- hash or merge joins are always right here. jit = off: the disabled nested loops (the LATERAL
-- VALUES must stay one) add a huge nominal cost that would make PostgreSQL JIT-compile every
-- one-ticket upsert, ~0.8 s each.
CREATE OR REPLACE FUNCTION hotline_rollup_tickets() RETURNS trigger
LANGUAGE plpgsql SET enable_nestloop = off SET jit = off AS $$
DECLARE
  src text;
  zeros jsonb;
  unchanged boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM meta WHERE key = 'rollups.paused') THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    src := format('SELECT %s, 1 AS sign FROM hotline_new n', hotline_rollup_columns('n'));
  ELSIF TG_OP = 'DELETE' THEN
    src := format('SELECT %s, -1 AS sign FROM hotline_old o', hotline_rollup_columns('o'));
  ELSE
    -- Most updates are life-cycle steps (status, timestamps) that no rollup reads: leave early.
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM hotline_old o JOIN hotline_new n ON n.id = o.id WHERE (%s) IS DISTINCT FROM (%s))',
                   hotline_rollup_columns('o'), hotline_rollup_columns('n')) INTO STRICT unchanged;
    IF unchanged THEN
      RETURN NULL;
    END IF;
    src := format(
      'SELECT v.* FROM hotline_old o JOIN hotline_new n ON n.id = o.id
         CROSS JOIN LATERAL (VALUES (%s, -1), (%s, 1)) AS v(%s, sign)
       WHERE (%s) IS DISTINCT FROM (%s)',
      hotline_rollup_columns('o'), hotline_rollup_columns('n'), hotline_rollup_columns(''),
      hotline_rollup_columns('o'), hotline_rollup_columns('n'));
  END IF;
  EXECUTE hotline_rollup_sql(src, hotline_city_zone()) INTO zeros;
  IF zeros IS NOT NULL AND zeros <> '{}'::jsonb THEN
    PERFORM hotline_rollup_drop_zeros(zeros);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER tickets_rollup_insert AFTER INSERT ON tickets
  REFERENCING NEW TABLE AS hotline_new FOR EACH STATEMENT EXECUTE FUNCTION hotline_rollup_tickets();
--> statement-breakpoint
CREATE TRIGGER tickets_rollup_update AFTER UPDATE ON tickets
  REFERENCING OLD TABLE AS hotline_old NEW TABLE AS hotline_new FOR EACH STATEMENT EXECUTE FUNCTION hotline_rollup_tickets();
--> statement-breakpoint
CREATE TRIGGER tickets_rollup_delete AFTER DELETE ON tickets
  REFERENCING OLD TABLE AS hotline_old FOR EACH STATEMENT EXECUTE FUNCTION hotline_rollup_tickets();
--> statement-breakpoint

CREATE OR REPLACE FUNCTION hotline_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE rollup_h3_daily, rollup_h3_daily_total, rollup_h3_cells, rollup_region_daily;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_rollup_truncate AFTER TRUNCATE ON tickets
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_rollup_truncate();
--> statement-breakpoint

-- The whole rebuild in one statement (SELECT hotline_rollup_rebuild()), e.g. after a bulk load.
-- Keys and indexes of the rollups are dropped while the tables are refilled and rebuilt after
-- (read from the catalogue, so a schema change needs no edit here): one sort per index instead
-- of millions of index insertions.
CREATE OR REPLACE FUNCTION hotline_rollup_rebuild() RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
  tables regclass[] := ARRAY['rollup_h3_daily', 'rollup_h3_daily_total', 'rollup_h3_cells', 'rollup_region_daily']::regclass[];
  keys text[];
  indexes text[];
  stmt text;
BEGIN
  SELECT array_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)))
    INTO keys FROM pg_constraint WHERE conrelid = ANY(tables) AND contype = 'p';
  SELECT array_agg(pg_get_indexdef(i.indexrelid))
    INTO indexes FROM pg_index i
   WHERE i.indrelid = ANY(tables) AND NOT i.indisprimary;
  TRUNCATE rollup_h3_daily, rollup_h3_daily_total, rollup_h3_cells, rollup_region_daily;
  FOR stmt IN SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) FROM pg_constraint
               WHERE conrelid = ANY(tables) AND contype = 'p' LOOP
    EXECUTE stmt;
  END LOOP;
  FOR stmt IN SELECT format('DROP INDEX %s', i.indexrelid::regclass) FROM pg_index i WHERE i.indrelid = ANY(tables) LOOP
    EXECUTE stmt;
  END LOOP;
  EXECUTE hotline_rollup_sql(format('SELECT %s, 1 AS sign FROM tickets t', hotline_rollup_columns('t')), hotline_city_zone(), false);
  FOREACH stmt IN ARRAY COALESCE(keys, ARRAY[]::text[]) || COALESCE(indexes, ARRAY[]::text[]) LOOP
    EXECUTE stmt;
  END LOOP;
  DELETE FROM meta WHERE key = 'rollups.paused';
END
$$;
--> statement-breakpoint

-- Region adjacency is derived from the polygons: any change to regions makes it stale.
CREATE OR REPLACE FUNCTION hotline_regions_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM region_adjacency_built;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER regions_adjacency_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_regions_changed();
