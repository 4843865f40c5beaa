-- Keeps ranking_months (stored counts of settled months, see db/schema.ts) honest: any change
-- that touches an instant inside a stored month's period drops that month (its unit rows go by
-- cascade) and it is recounted from tickets on the next read. Which instants a change touches
-- follows server/ranking/sql.ts: demand by receipt, resolution and satisfaction by callback,
-- response by the dispatches of the ticket (the clock starts at the first of them), unjustified
-- returns by the ruling. Statement-level triggers with transition tables: one statement, one
-- check; a change whose instants are all in the last day (live intake and life-cycle work) never
-- touches a settled month and costs one array scan.
INSERT INTO ranking_rollup_state (id, epoch) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION hotline_ranking_touch(instants timestamptz[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  old_enough timestamptz[];
BEGIN
  -- A month is settled a day after it ends, so only instants older than a day can be in one.
  -- Stored months are dropped whatever the clock says (tests run services on other clocks).
  SELECT array_agg(i) INTO old_enough FROM unnest(instants) AS i WHERE i IS NOT NULL AND i < now() - interval '1 day';
  IF old_enough IS NOT NULL THEN
    -- Row lock until commit: a count in flight compares epochs before storing (service.ts).
    UPDATE ranking_rollup_state SET epoch = epoch + 1 WHERE id = 1;
  END IF;
  DELETE FROM ranking_months m
  WHERE EXISTS (SELECT 1 FROM unnest(instants) AS i WHERE i >= m.period_from AND i < m.period_to);
END
$$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION hotline_ranking_forget_all() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ranking_rollup_state SET epoch = epoch + 1 WHERE id = 1;
  DELETE FROM ranking_months;
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- The instants of the given tickets' dispatches and callbacks (what a dispatch change can move).
CREATE OR REPLACE FUNCTION hotline_ranking_ticket_instants(ids bigint[]) RETURNS timestamptz[]
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(array_agg(i), '{}') FROM (
    SELECT d.dispatched_at AS i FROM dispatches d WHERE d.ticket_id = ANY(ids)
    UNION SELECT t.callback_at FROM tickets t WHERE t.id = ANY(ids) AND t.callback_at IS NOT NULL
  ) x
$$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION hotline_ranking_tickets_ins() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ranking_months) THEN RETURN NULL; END IF;
  PERFORM hotline_ranking_touch((SELECT array_agg(i) FROM (SELECT received_at FROM n UNION SELECT callback_at FROM n) x(i)));
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION hotline_ranking_tickets_upd() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ranking_months) THEN RETURN NULL; END IF;
  PERFORM hotline_ranking_touch((
    WITH ch AS (
      SELECT o.id, o.received_at AS o_rec, n.received_at AS n_rec, o.callback_at AS o_cb, n.callback_at AS n_cb,
             (o.received_at, o.kind, o.street_code, o.district_code) IS DISTINCT FROM (n.received_at, n.kind, n.street_code, n.district_code) AS demand,
             (o.callback_at, o.solved, o.satisfaction) IS DISTINCT FROM (n.callback_at, n.solved, n.satisfaction) AS verdict,
             o.respond_due_at IS DISTINCT FROM n.respond_due_at AS due
      FROM o JOIN n ON n.id = o.id
    )
    SELECT array_agg(i) FROM (
      SELECT o_rec FROM ch WHERE demand UNION SELECT n_rec FROM ch WHERE demand
      UNION SELECT o_cb FROM ch WHERE verdict UNION SELECT n_cb FROM ch WHERE verdict
      UNION SELECT unnest(hotline_ranking_ticket_instants((SELECT array_agg(id) FROM ch WHERE due)))
    ) x(i)));
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION hotline_ranking_tickets_del() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ranking_months) THEN RETURN NULL; END IF;
  PERFORM hotline_ranking_touch((SELECT array_agg(i) FROM (SELECT received_at FROM o UNION SELECT callback_at FROM o) x(i)));
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- A dispatch row changes a ticket's clock, holder and returns: every dispatch instant of the
-- ticket, its callback, and the row's own return and ruling.
CREATE OR REPLACE FUNCTION hotline_ranking_dispatches_chg() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
  own timestamptz[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ranking_months) THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT ticket_id), array_agg(dispatched_at) || array_agg(ruled_at) || array_agg(returned_at) INTO ids, own FROM n;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT ticket_id), array_agg(dispatched_at) || array_agg(ruled_at) || array_agg(returned_at) INTO ids, own FROM o;
  ELSE
    SELECT array_agg(DISTINCT ticket_id), array_agg(dispatched_at) || array_agg(ruled_at) || array_agg(returned_at) INTO ids, own
    FROM (SELECT * FROM o UNION ALL SELECT * FROM n) x;
  END IF;
  PERFORM hotline_ranking_touch(own || hotline_ranking_ticket_instants(ids));
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER ranking_tickets_ins AFTER INSERT ON tickets REFERENCING NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_tickets_ins();
--> statement-breakpoint
CREATE TRIGGER ranking_tickets_upd AFTER UPDATE ON tickets REFERENCING OLD TABLE AS o NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_tickets_upd();
--> statement-breakpoint
CREATE TRIGGER ranking_tickets_del AFTER DELETE ON tickets REFERENCING OLD TABLE AS o
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_tickets_del();
--> statement-breakpoint
CREATE TRIGGER ranking_dispatches_ins AFTER INSERT ON dispatches REFERENCING NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_dispatches_chg();
--> statement-breakpoint
CREATE TRIGGER ranking_dispatches_upd AFTER UPDATE ON dispatches REFERENCING OLD TABLE AS o NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_dispatches_chg();
--> statement-breakpoint
CREATE TRIGGER ranking_dispatches_del AFTER DELETE ON dispatches REFERENCING OLD TABLE AS o
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_dispatches_chg();
--> statement-breakpoint
CREATE TRIGGER ranking_tickets_truncate AFTER TRUNCATE ON tickets FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_forget_all();
--> statement-breakpoint
CREATE TRIGGER ranking_dispatches_truncate AFTER TRUNCATE ON dispatches FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_forget_all();
--> statement-breakpoint
-- Which street belongs to which district, and which units a table has, change the counts too.
CREATE TRIGGER ranking_regions_chg AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_forget_all();
--> statement-breakpoint
CREATE TRIGGER ranking_departments_chg AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments FOR EACH STATEMENT EXECUTE FUNCTION hotline_ranking_forget_all();
