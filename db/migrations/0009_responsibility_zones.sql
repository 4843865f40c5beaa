CREATE TABLE "responsibility_zones" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"kind" text NOT NULL,
	"department_code" text NOT NULL,
	"applies_to" text[] DEFAULT '{}'::text[] NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"synthetic" boolean DEFAULT false NOT NULL,
	"geom" geometry(MultiPolygon,4326) NOT NULL,
	CONSTRAINT "responsibility_zones_kind_ck" CHECK ("responsibility_zones"."kind" in ('municipal','sanitation','greening','water','other'))
);
--> statement-breakpoint
ALTER TABLE "dispatches" ADD COLUMN "zone_code" text;--> statement-breakpoint
ALTER TABLE "responsibility_zones" ADD CONSTRAINT "responsibility_zones_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "responsibility_zones_code_uq" ON "responsibility_zones" USING btree ("code");--> statement-breakpoint
CREATE INDEX "responsibility_zones_geom_gist" ON "responsibility_zones" USING gist ("geom");--> statement-breakpoint
-- The one rule for which responsibility zone claims a point for a category: among the zones that
-- cover the point and answer for the category (its code or its group's code in applies_to, or an
-- empty applies_to meaning every category), the highest priority, then the lowest code.
CREATE OR REPLACE FUNCTION hotline_zone(p geometry, category text)
RETURNS TABLE (zone_code text, department_code text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT z.code, z.department_code
  FROM responsibility_zones z
  WHERE ST_Covers(z.geom, p)
    AND (cardinality(z.applies_to) = 0
         OR category = ANY (z.applies_to)
         OR (SELECT c.group_code FROM categories c WHERE c.code = category) = ANY (z.applies_to))
  ORDER BY z.priority DESC, z.code
  LIMIT 1
$$;
--> statement-breakpoint
-- Repeat-demand look-up at intake (same caller phone, or same trimmed address): without these each
-- new ticket scanned every caller row / every ticket of its category in the window.
CREATE INDEX IF NOT EXISTS ticket_callers_phone_idx ON ticket_callers (phone) WHERE phone IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS tickets_address_trim_idx ON tickets (btrim(address)) WHERE address IS NOT NULL;
