// The demo's accounts, one per role, with known passwords: made by `npm start` (and
// `npm run accounts -- demo`) when missing and printed, so a visitor can sign in as each role.
// The officials belong to real regions of the imported city (its package's demoOfficials).
// Never made without --demo; a real deployment starts from `npm run accounts -- add`.
import type { Queryable } from '../../db/client.ts';
import type { CityManifest } from '../../data/city/manifest.ts';
import { CITY_META_KEY, type StoredCity } from '../../data/city/stored.ts';
import { createKiosk, createUser, type NewUser } from './accounts.ts';

const password = (username: string) => `${username}-12345`;

/** The city-wide roles; names in the city's language. */
function citywideUsers(locale: CityManifest['locale'] | null): NewUser[] {
  const en = locale === 'en';
  return [
    { username: 'admin', displayName: en ? 'Administrator' : '系统管理员', role: 'admin', password: 'admin-12345' },
    {
      username: 'dispatcher',
      displayName: en ? 'Dispatcher' : '12345 派单员',
      role: 'dispatcher',
      password: 'dispatch-12345',
    },
    {
      username: 'planner',
      displayName: en ? 'City analyst' : '市级分析员',
      role: 'analyst',
      password: 'planner-12345',
    },
  ];
}

/** Every demo account of a city: the city-wide roles and the package's officials. */
export function demoUsersFor(
  manifest: CityManifest | null,
  fallback: { district: string; street: string } | null = null,
): NewUser[] {
  const officials: NewUser[] = manifest?.demoOfficials
    ? manifest.demoOfficials.map((o) => ({
        username: o.username,
        displayName: o.displayName,
        role: o.role,
        regionCode: o.region,
        password: password(o.username),
      }))
    : fallback
      ? [
          {
            username: 'district',
            displayName: `${fallback.district}`,
            role: 'district_official',
            regionCode: fallback.district,
            password: password('district'),
          },
          {
            username: 'street',
            displayName: `${fallback.street}`,
            role: 'street_official',
            regionCode: fallback.street,
            password: password('street'),
          },
        ]
      : [];
  return [...citywideUsers(manifest?.locale ?? null), ...officials];
}

export const DEMO_KIOSK = { screen: 'wall', token: 'wall-demo-12345' };

/** The demo accounts of the city this database holds. */
export async function demoUsers(db: Queryable): Promise<NewUser[]> {
  const [stored] = await db.query<{ value: StoredCity }>(`SELECT value FROM meta WHERE key = $1`, [CITY_META_KEY]);
  const [first] = await db.query<{ district: string; street: string }>(
    `SELECT s.parent_code AS district, s.code AS street FROM regions s WHERE s.level = 'street' AND s.parent_code IS NOT NULL ORDER BY s.parent_code, s.code LIMIT 1`,
  );
  return demoUsersFor(stored?.value.manifest ?? null, first ?? null);
}

/** Make the demo accounts that are missing; returns the lines to print. */
export async function ensureDemoAccounts(db: Queryable): Promise<string[]> {
  const users = await demoUsers(db);
  const have = new Set((await db.query<{ username: string }>('SELECT username FROM users')).map((r) => r.username));
  const known = new Set(
    (
      await db.query<{ code: string }>('SELECT code FROM regions WHERE code = ANY($1::text[])', [
        users.map((u) => u.regionCode).filter(Boolean),
      ])
    ).map((r) => r.code),
  );
  const made = users.filter((u) => !u.regionCode || known.has(u.regionCode));
  for (const u of made) if (!have.has(u.username)) await createUser(db, u);
  const kiosk = await db.query('SELECT 1 FROM kiosk_tokens WHERE screen = $1', [DEMO_KIOSK.screen]);
  // A data folder from before may hold the same token under another screen name: keep that one.
  if (kiosk.length === 0)
    await createKiosk(db, { screen: DEMO_KIOSK.screen }, DEMO_KIOSK.token).catch((e: { code?: string }) => {
      if (e?.code !== '23505') throw e;
    });
  return [
    'demo accounts (username / password, role, jurisdiction):',
    ...made.map(
      (u) => `  ${u.username.padEnd(10)} / ${u.password.padEnd(15)} ${u.role}${u.regionCode ? ` ${u.regionCode}` : ''}`,
    ),
    `  wall kiosk: /wall?kiosk=${DEMO_KIOSK.token}  (binds to the first screen; npm run accounts -- kiosk-release ${DEMO_KIOSK.screen})`,
  ];
}
