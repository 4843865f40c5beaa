-- One ownership rule for every point, used by bulk loads and single intake alike.
-- Among the streets whose closed polygon covers the point (ST_Covers), the lowest official code
-- owns it; the district is that street's parent. A point inside a district but in no street (a
-- floating-point sliver, or a city imported without streets) takes the nearest street of that
-- district within 0.0005 degrees (about 50 m), else keeps the district only. The grid cell is the
-- lowest-code cell covering the point, preferring cells whose parent is the chosen street.
-- A NULL district means outside every region: the caller keeps the ticket and flags it.
CREATE OR REPLACE FUNCTION hotline_locate(p geometry)
RETURNS TABLE (district_code text, street_code text, grid_code text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH s AS (
    SELECT (SELECT rp.region_code FROM region_parts rp
             WHERE rp.level = 'street' AND ST_Covers(rp.geom, p)
             ORDER BY rp.region_code LIMIT 1) AS street
  ), d AS (
    SELECT COALESCE(
      (SELECT r.parent_code FROM regions r, s WHERE r.code = s.street),
      (SELECT rp.region_code FROM region_parts rp
        WHERE rp.level = 'district' AND ST_Covers(rp.geom, p)
        ORDER BY rp.region_code LIMIT 1)) AS district
  ), s2 AS (
    SELECT COALESCE(s.street, CASE WHEN d.district IS NOT NULL THEN
      (SELECT r.code FROM regions r
        WHERE r.level = 'street' AND r.parent_code = d.district AND ST_DWithin(r.geom, p, 0.0005)
        ORDER BY ST_Distance(r.geom, p), r.code LIMIT 1) END) AS street
    FROM s, d
  )
  SELECT d.district, s2.street,
    CASE WHEN d.district IS NULL THEN NULL ELSE
      (SELECT rp.region_code FROM region_parts rp JOIN regions g ON g.code = rp.region_code
        WHERE rp.level = 'grid' AND ST_Covers(rp.geom, p)
        ORDER BY (g.parent_code IS NOT DISTINCT FROM s2.street) DESC, rp.region_code LIMIT 1) END
  FROM s2, d
$$;
