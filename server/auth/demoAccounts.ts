// The demo's accounts, one per role, with known passwords: made by `npm start` (and
// `npm run accounts -- demo`) when missing and printed, so a visitor can sign in as each role.
// Never made without --demo; a real deployment starts from `npm run accounts -- add`.
import type { Queryable } from '../../db/client.ts';
import { createKiosk, createUser, type NewUser } from './accounts.ts';

export const DEMO_USERS: NewUser[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', password: 'admin-12345' },
  { username: 'dispatcher', displayName: '12345 派单员', role: 'dispatcher', password: 'dispatch-12345' },
  { username: 'planner', displayName: '市级分析员', role: 'analyst', password: 'planner-12345' },
  { username: 'chaoyang', displayName: '朝阳区接诉即办办公室', role: 'district_official', regionCode: '110105', password: 'chaoyang-12345' },
  { username: 'sanlitun', displayName: '三里屯街道', role: 'street_official', regionCode: '110105004', password: 'sanlitun-12345' },
];
export const DEMO_KIOSK = { screen: '指挥中心大屏', token: 'wall-demo-12345' };

/** Make the demo accounts that are missing; returns the lines to print. */
export async function ensureDemoAccounts(db: Queryable): Promise<string[]> {
  const have = new Set((await db.query<{ username: string }>('SELECT username FROM users')).map((r) => r.username));
  for (const u of DEMO_USERS) if (!have.has(u.username)) await createUser(db, u);
  const kiosk = await db.query('SELECT 1 FROM kiosk_tokens WHERE screen = $1', [DEMO_KIOSK.screen]);
  if (kiosk.length === 0) await createKiosk(db, { screen: DEMO_KIOSK.screen }, DEMO_KIOSK.token);
  return [
    'demo accounts (username / password, role, jurisdiction):',
    ...DEMO_USERS.map((u) => `  ${u.username.padEnd(10)} / ${u.password.padEnd(15)} ${u.role}${u.regionCode ? ` ${u.regionCode}` : ''}`),
    `  wall kiosk: /wall?kiosk=${DEMO_KIOSK.token}  (binds to the first screen; npm run accounts -- kiosk-release ${DEMO_KIOSK.screen})`,
  ];
}
