// Accounts from the command line (npm run accounts -- <command>). With the embedded PGlite, stop
// the dashboard first: PGlite allows one process at a time.
//   add <username> --role R [--region CODE] [--name 显示名]   password from ACCOUNT_PASSWORD or a prompt
//   passwd <username> | disable <username> | enable <username> | list
//   demo                                   the demo accounts, printed
//   kiosk <screen> [--region CODE]         a wall kiosk token, printed once
//   kiosk-release <screen> | kiosk-revoke <screen>
//   api-key <name> [--grant locate,import] a key for a system that files tickets, printed once
//   api-key-grant <name> <locate,import|none>  what a key may do beyond filing (audited)
//   api-key-revoke <name>
//   logout-all                             end every user session
//   rotate-secret                          a new stored session secret (everyone signs in again)
import { createInterface } from 'node:readline/promises';
import { openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import {
  AccountError,
  createKiosk,
  createUser,
  listKiosks,
  listUsers,
  releaseKiosk,
  revokeKiosk,
  setDisabled,
  setPassword,
} from './accounts.ts';
import { ensureDemoAccounts } from './demoAccounts.ts';
import { createApiKey, listApiKeys, revokeApiKey, setApiKeyGrants } from './apiKeys.ts';
import { audit } from './audit.ts';
import { deleteSessions } from './sessions.ts';
import { envSecrets, rotateStoredSecret } from './secret.ts';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function password(): Promise<string> {
  if (process.env.ACCOUNT_PASSWORD) return process.env.ACCOUNT_PASSWORD;
  if (!process.stdin.isTTY) throw new AccountError('password', 'set ACCOUNT_PASSWORD or run in a terminal');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const pw = await rl.question('password (10+ characters): ');
  rl.close();
  return pw;
}

/** `locate,import` (or `none`) as a list. */
const grantList = (s: string | undefined) =>
  s === undefined || s === 'none'
    ? []
    : s
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean);
/** The audit log's "who" for changes made at the command line. */
const CLI = { kind: 'cli' as const, id: 0 as const, username: 'cli' };

const USAGE =
  'usage: npm run accounts -- add <username> --role admin|dispatcher|analyst|district_official|street_official [--region CODE] [--name NAME] | passwd <username> | disable <username> | enable <username> | list | demo | kiosk <screen> [--region CODE] | kiosk-release <screen> | kiosk-revoke <screen> | api-key <name> [--grant locate,import] | api-key-grant <name> <locate,import|none> | api-key-revoke <name> | logout-all | rotate-secret';

async function main() {
  const [cmd, arg, ...rest] = process.argv.slice(2);
  if (!cmd) {
    console.error(USAGE);
    process.exit(2);
  }
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  try {
    const need = (what: string) => {
      if (!arg) throw new AccountError(what, `missing; ${USAGE}`);
      return arg;
    };
    switch (cmd) {
      case 'add': {
        const u = await createUser(db, {
          username: need('username'),
          role: option(rest, 'role') as never,
          regionCode: option(rest, 'region') ?? null,
          displayName: option(rest, 'name') ?? arg!,
          password: await password(),
        });
        console.log(`created ${u.username} (${u.role}${u.regionCode ? ` ${u.regionCode}` : ''})`);
        break;
      }
      case 'passwd':
        await setPassword(db, need('username'), await password());
        console.log(`password changed for ${arg}; their sessions ended`);
        break;
      case 'disable':
      case 'enable':
        await setDisabled(db, need('username'), cmd === 'disable');
        console.log(`${arg} ${cmd}d`);
        break;
      case 'list':
        for (const u of await listUsers(db))
          console.log(
            `${u.username}\t${u.role}\t${u.regionCode ?? 'city'}\t${u.disabled ? 'disabled' : ''}\t${u.displayName}`,
          );
        for (const k of await listKiosks(db))
          console.log(
            `kiosk ${k.screen}\t${k.regionCode ?? 'city'}\t${k.bound ? `bound ${k.boundAt?.toISOString()}` : 'unbound'}`,
          );
        for (const k of await listApiKeys(db))
          console.log(
            `api-key ${k.name}\t${new Date(k.createdAt).toISOString()}${k.grants.length ? `\t${k.grants.join(',')}` : ''}`,
          );
        break;
      case 'demo':
        for (const line of await ensureDemoAccounts(db)) console.log(line);
        break;
      case 'kiosk': {
        const k = await createKiosk(db, { screen: need('screen'), regionCode: option(rest, 'region') ?? null });
        console.log(`kiosk token for ${k.screen} (shown once): ${k.token}\nopen /wall?kiosk=${k.token} on that screen`);
        break;
      }
      case 'kiosk-release':
        await releaseKiosk(db, need('screen'));
        console.log(`${arg}: released; the token can be redeemed on a new screen`);
        break;
      case 'kiosk-revoke':
        await revokeKiosk(db, need('screen'));
        console.log(`${arg}: token revoked`);
        break;
      case 'api-key': {
        const grants = grantList(option(rest, 'grant'));
        const key = await createApiKey(db, need('name'), grants);
        if (grants.length) await audit(db, CLI, 'api_key.grant', null, { name: arg, grants });
        console.log(
          `API key for ${arg} (shown once; it may file tickets${grants.length ? ` and ${grants.join(', ')}` : ' only'}): ${key}\nsend it as  Authorization: Bearer <key>  or Open311's api_key`,
        );
        break;
      }
      case 'api-key-grant': {
        const r = await setApiKeyGrants(db, need('name'), grantList(rest[0] ?? ''));
        await audit(db, CLI, 'api_key.grant', null, r);
        console.log(`${r.name} may file tickets${r.grants.length ? ` and ${r.grants.join(', ')}` : ' only'}`);
        break;
      }
      case 'api-key-revoke':
        await revokeApiKey(db, need('name'));
        console.log(`${arg}: API key revoked`);
        break;
      case 'logout-all':
        console.log(`${await deleteSessions(db)} sessions ended`);
        break;
      case 'rotate-secret':
        if (envSecrets())
          throw new AccountError('SESSION_SECRET', 'is set in the environment; change it there (new,old) and restart');
        await rotateStoredSecret(db);
        console.log('session secret rotated; every user signs in again');
        break;
      default:
        throw new AccountError('command', `unknown '${cmd}'; ${USAGE}`);
    }
  } catch (e) {
    if (e instanceof AccountError || (e as Error).name === 'ZodError') {
      // One line naming the field ("role: Invalid option: …"), not the validator's JSON dump.
      const issue = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
      console.error(
        e instanceof AccountError || !issue
          ? (e as Error).message
          : `${issue.path.map(String).join('.')}: ${issue.message}`,
      );
      process.exitCode = 1;
    } else throw e;
  } finally {
    await db.close();
  }
}

await main();
