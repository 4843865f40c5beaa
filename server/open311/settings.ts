// What this server's Open311 endpoint publishes and accepts: the city package's `open311` block
// (data/city/manifest.ts), with OPEN311_PUBLIC_READS (server/config.ts) switching public reads on
// or off for one server. Before a city is active everything is off and only WGS-84 is accepted.
import { booleanish } from '../config.ts';
import { activeCity, cityOpen311 } from '../city.ts';
import { open311SettingsSchema, type Locale, type Open311Settings } from '../../data/city/manifest.ts';

export interface Open311Effective extends Omit<Open311Settings, 'jurisdictionId'> {
  jurisdictionId: string | null;
  locale: Locale;
}

export function open311Settings(env: NodeJS.ProcessEnv = process.env): Open311Effective {
  const s = cityOpen311() ?? open311SettingsSchema.parse({});
  const raw = env.OPEN311_PUBLIC_READS?.trim();
  const override = raw ? booleanish.safeParse(raw) : null;
  if (override && !override.success)
    throw new Error(`Configuration: OPEN311_PUBLIC_READS: ${override.error.issues[0]?.message}`);
  const city = activeCity();
  return {
    ...s,
    publicReads: override?.success ? override.data : s.publicReads,
    jurisdictionId: s.jurisdictionId ?? city?.code ?? null,
    locale: city?.locale ?? 'zh-CN',
  };
}

/** OPEN311_MEDIA_MAX_MB (default 1 GiB): the most media the database keeps, in bytes. */
export function mediaBudgetBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.OPEN311_MEDIA_MAX_MB?.trim() || 1024);
  return (Number.isFinite(n) && n >= 0 ? n : 1024) * 1024 * 1024;
}
