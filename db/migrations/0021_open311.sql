-- Open311 GeoReport v2 (server/open311/): what a client files beyond a ticket's own columns.
-- open311_media: the request's one media item, either an uploaded image (JPEG or PNG, metadata
-- stripped, at most 5 MiB, kept here so it travels with the database on both engines and is
-- served back at /open311/v2/media/{id}.{ext}) or a media_url the client hosts itself.
-- open311_attributes: the answers to the service definition's attributes, as validated.
CREATE TABLE IF NOT EXISTS "open311_media" (
  "ticket_id" bigint PRIMARY KEY REFERENCES "tickets" ("id") ON DELETE CASCADE,
  "content_type" text,
  "bytes" bytea,
  "byte_size" integer NOT NULL DEFAULT 0,
  "url" text,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "open311_media_one_ck" CHECK (("bytes" IS NULL) <> ("url" IS NULL)),
  CONSTRAINT "open311_media_type_ck" CHECK ("content_type" IS NULL OR "content_type" IN ('image/jpeg', 'image/png')),
  CONSTRAINT "open311_media_size_ck" CHECK ("byte_size" BETWEEN 0 AND 5242880)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "open311_attributes" (
  "ticket_id" bigint PRIMARY KEY REFERENCES "tickets" ("id") ON DELETE CASCADE,
  "service_code" text NOT NULL,
  "attributes" jsonb NOT NULL
);
