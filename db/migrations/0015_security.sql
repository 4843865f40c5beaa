-- Capabilities an admin granted an API key by name beyond filing tickets ('locate', 'import').
ALTER TABLE "api_keys" ADD COLUMN "grants" text[] DEFAULT '{}'::text[] NOT NULL;
