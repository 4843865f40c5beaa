DROP INDEX "region_parts_level_idx";--> statement-breakpoint
CREATE INDEX "region_parts_district_gist" ON "region_parts" USING gist ("geom") WHERE level = 'district';--> statement-breakpoint
CREATE INDEX "region_parts_street_gist" ON "region_parts" USING gist ("geom") WHERE level = 'street';--> statement-breakpoint
CREATE INDEX "region_parts_community_gist" ON "region_parts" USING gist ("geom") WHERE level = 'community';--> statement-breakpoint
CREATE INDEX "region_parts_grid_gist" ON "region_parts" USING gist ("geom") WHERE level = 'grid';