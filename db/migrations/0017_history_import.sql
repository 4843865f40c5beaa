-- History imports (server/import/): one row per run, from the CLI or the API. Holds the progress
-- while it runs and the report when done, so GET /api/import/history/:id answers after a restart
-- too, and a run that died (state 'running', no heartbeat) has its scratch table dropped by the
-- next run. Imported tickets themselves need no column: their idempotency key is
-- import:<source>:<externalId>, their 'received' event says { import, externalId, line }, and
-- their reminder and overdue marks are set from their own history, so the clock never re-marks them.
CREATE TABLE IF NOT EXISTS "import_jobs" (
  "id" text PRIMARY KEY,
  "source" text NOT NULL,
  "file" text,
  "state" text NOT NULL DEFAULT 'running',
  "started_by" text,
  "started_at" timestamptz NOT NULL DEFAULT now(),
  "heartbeat_at" timestamptz NOT NULL DEFAULT now(),
  "finished_at" timestamptz,
  "progress" jsonb,
  "report" jsonb,
  "error" text,
  CONSTRAINT "import_jobs_state_ck" CHECK ("state" IN ('running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "import_jobs_started_idx" ON "import_jobs" ("started_at");
