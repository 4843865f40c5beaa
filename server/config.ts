// Runtime configuration from the environment; defaults never point at the internet.
import { z } from 'zod';

/** 1/0, true/false, on/off, yes/no. */
export const booleanish = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'].includes(v), 'use 1 or 0 (true/false, on/off)')
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  /**
   * Read replicas for dashboards and analyses: one or more postgres:// URLs separated by commas
   * (streaming standbys of DATABASE_URL, or PgBouncer in transaction mode in front of them).
   */
  DATABASE_READ_URL: z
    .string()
    .refine(
      (v) => v.split(',').every((u) => URL.canParse(u.trim()) && /^postgres(ql)?:$/.test(new URL(u.trim()).protocol)),
      'must be one or more postgres:// URLs separated by commas',
    )
    .optional(),
  PGLITE_DIR: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Optional external base-map style URL; the default base is the city's own boundaries. */
  BASEMAP_STYLE_URL: z.string().url().optional(),
  /** A local PMTiles archive (Protomaps basemap schema) drawn under our layers; unset → the project
   * builds one from the city's boundaries into .data/basemap/ (server/basemap/). */
  BASEMAP_PMTILES: z.string().min(1).optional(),
  DEMO_TICKETS: z.coerce.number().int().min(0).max(50_000_000).default(300_000),
  DEMO_SEED: z.coerce.number().int().default(12345),
  /** The city package `npm start` imports into a database that holds no city yet (data/cities/<name>). */
  DEMO_CITY: z.string().min(1).default('data/cities/beijing'),
  /** Open311 reads without a session: on/off for this server, over the city package's `open311.publicReads`. */
  OPEN311_PUBLIC_READS: booleanish.optional(),
  /** Largest total of Open311 media kept in the database, in MiB; uploads beyond it are refused. */
  /**
   * How old (seconds) a studio analysis's answer may be when newer tickets have come in: it is served
   * at once while the new one is computed (server/analysis/answers.ts). 0: always wait for the new one.
   */
  ANALYSIS_STALE_SECONDS: z.coerce.number().int().min(0).max(600).default(600),
  OPEN311_MEDIA_MAX_MB: z.coerce.number().int().min(0).max(1_000_000).default(1024),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema
    .refine((c) => !c.DATABASE_READ_URL || c.DATABASE_URL, {
      path: ['DATABASE_READ_URL'],
      message: 'read replicas need their primary: set DATABASE_URL too',
    })
    .safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
