-- The wall's and the reports' figures of a day or a week count each fact at the instant it happened
-- (server/wall/figures.ts): dispatched, accepted and overdue had no index, so a day's figures read
-- every ticket. Partial, as the callback index: most of a year's tickets hold each fact, but the
-- index skips the ones still waiting for it.
CREATE INDEX IF NOT EXISTS "tickets_dispatched_idx" ON "tickets" USING btree ("dispatched_at") WHERE "dispatched_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "tickets_accepted_idx" ON "tickets" USING btree ("accepted_at") WHERE "accepted_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "tickets_overdue_idx" ON "tickets" USING btree ("overdue_at") WHERE "overdue_at" IS NOT NULL;
