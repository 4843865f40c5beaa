-- A city is data (data/city/): its request types may carry their own service levels, its zone
-- comes from its package, and points in published slivers still find their region.

-- Per-request-type service levels (US 311: "bulk pickup 90 days"), overriding the urgency class.
ALTER TABLE "categories" ADD COLUMN "respond_minutes" integer;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "resolve_minutes" integer;--> statement-breakpoint

-- No city's zone as a default: until a city package is imported, days are UTC days.
CREATE OR REPLACE FUNCTION hotline_city_zone() RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT value #>> '{}' FROM meta WHERE key = 'city.time_zone'), 'UTC')
$$;
--> statement-breakpoint

-- Metres within which a point in a gap between published polygons (or just past the city edge
-- of a coarse outline) still belongs to the nearest street; meta 'city.locate_tolerance_m', the
-- city package's locateToleranceMeters (default 15).
CREATE OR REPLACE FUNCTION hotline_locate_tolerance() RETURNS float8
LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT (value #>> '{}')::float8 FROM meta WHERE key = 'city.locate_tolerance_m'), 15)
$$;
--> statement-breakpoint

-- One ownership rule for every point (replaces 0002's). Among the streets whose closed polygon
-- covers the point (ST_Covers), the lowest code owns it; the district is that street's parent. A
-- point covered by no street takes the nearest street within the tolerance (in a district that
-- covers it, if any), so published slivers between neighbours are not "outside". Its district is
-- then the street's parent. The grid cell is the lowest-code cell covering the point, preferring
-- cells whose parent is the chosen street. A NULL district means outside every region (beyond
-- the tolerance): the caller keeps the ticket and flags it.
CREATE OR REPLACE FUNCTION hotline_locate(p geometry)
RETURNS TABLE (district_code text, street_code text, grid_code text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH s AS (
    SELECT (SELECT rp.region_code FROM region_parts rp
             WHERE rp.level = 'street' AND ST_Covers(rp.geom, p)
             ORDER BY rp.region_code LIMIT 1) AS street
  ), d0 AS (
    SELECT CASE WHEN s.street IS NULL THEN
      (SELECT rp.region_code FROM region_parts rp
        WHERE rp.level = 'district' AND ST_Covers(rp.geom, p)
        ORDER BY rp.region_code LIMIT 1) END AS district
    FROM s
  ), s2 AS (
    SELECT COALESCE(s.street,
      (SELECT rp.region_code FROM region_parts rp JOIN regions r ON r.code = rp.region_code
        WHERE rp.level = 'street'
          -- a generous box first (1° of latitude ≥ 110 km; longitude degrees shrink toward the poles)
          AND rp.geom && ST_Expand(p, hotline_locate_tolerance() / 111000.0 / greatest(cos(radians(ST_Y(p))), 0.05))
          AND ST_DWithin(rp.geom::geography, p::geography, hotline_locate_tolerance())
          AND (d0.district IS NULL OR r.parent_code = d0.district)
        ORDER BY ST_Distance(rp.geom::geography, p::geography), rp.region_code LIMIT 1)) AS street
    FROM s, d0
  ), d AS (
    SELECT COALESCE((SELECT r.parent_code FROM regions r, s2 WHERE r.code = s2.street), d0.district) AS district
    FROM d0
  )
  SELECT d.district, s2.street,
    CASE WHEN d.district IS NULL THEN NULL ELSE
      (SELECT rp.region_code FROM region_parts rp JOIN regions g ON g.code = rp.region_code
        WHERE rp.level = 'grid' AND ST_Covers(rp.geom, p)
        ORDER BY (g.parent_code IS NOT DISTINCT FROM s2.street) DESC, rp.region_code LIMIT 1) END
  FROM s2, d
$$;
