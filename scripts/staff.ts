/**
 * Staff accounts from the server's command line:
 *
 *   npm run staff -- add <name> --role admin|staff [--password-stdin]
 *   npm run staff -- list
 *   npm run staff -- disable <name>
 *   npm run staff -- enable <name>
 *   npm run staff -- reset-password <name> [--password-stdin]
 *
 * Uses the same configuration (DRUCKPUNKT_CONFIG, DRUCKPUNKT_DATA_DIR) and database file as the
 * server; SQLite's busy timeout lets it run while the server does. Passwords are asked twice
 * without echo, or read from stdin (`--password-stdin`) for scripts. Every change is audited as
 * done by 'cli'.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../src/config/config.ts';
import { openDatabase, migrate } from '../src/db/database.ts';
import { createSystemClock } from '../src/shared/clock.ts';
import { createSystemRandom } from '../src/shared/random.ts';
import { createLogger } from '../src/shared/logger.ts';
import { isAppError } from '../src/shared/errors.ts';
import { createAuditLog, createStaffAccounts, CLI_ACTOR } from '../src/staff/staff.usecases.ts';
import { MIN_PASSWORD_LENGTH } from '../src/staff/passwords.ts';

const USAGE = `usage:
  npm run staff -- add <name> --role admin|staff [--password-stdin]
  npm run staff -- list
  npm run staff -- disable <name>
  npm run staff -- enable <name>
  npm run staff -- reset-password <name> [--password-stdin]`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the end of the line, not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let value = '';
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: string) => {
      for (const char of data) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new UsageError('aborted'));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else value += char;
      }
    };
    input.on('data', onData);
  });
}

async function askPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY) throw new UsageError('no terminal to ask for the password: use --password-stdin');
  const first = await promptHidden(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new UsageError('the passwords differ');
  return first;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  const [command, name] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }

  const config = loadConfig({ env: process.env });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase({ file: path.join(config.dataDir, 'druckpunkt.sqlite') });
  try {
    migrate({ db });
    const clock = createSystemClock();
    const accounts = createStaffAccounts({ db, clock, random: createSystemRandom(), logger: createLogger({ level: 'warn' }), audit: createAuditLog({ db, clock }) });
    const userNamed = (n: string | undefined) => {
      if (!n) throw new UsageError('a user name is needed');
      const user = accounts.findUserByName(n);
      if (!user) throw new UsageError(`there is no user "${n}"`);
      return user;
    };

    switch (command) {
      case 'add': {
        if (!name) throw new UsageError('a user name is needed');
        if (values.role !== 'admin' && values.role !== 'staff') throw new UsageError('--role must be admin or staff');
        const password = await askPassword(values['password-stdin']);
        const user = await accounts.createUser({ name, role: values.role, password, actor: CLI_ACTOR });
        console.log(`added ${user.role} "${user.name}" (id ${user.id})`);
        return 0;
      }
      case 'list': {
        for (const user of accounts.listUsers()) {
          const flags = [user.disabled ? 'disabled' : '', user.lockedUntil !== null && user.lockedUntil > Date.now() ? 'locked' : ''].filter(Boolean).join(',');
          console.log(`${user.id}\t${user.name}\t${user.role}${flags ? `\t${flags}` : ''}`);
        }
        return 0;
      }
      case 'disable':
      case 'enable': {
        const user = accounts.setDisabled({ id: userNamed(name).id, disabled: command === 'disable', actor: CLI_ACTOR });
        console.log(`${command}d "${user.name}"`);
        return 0;
      }
      case 'reset-password': {
        const user = userNamed(name);
        const password = await askPassword(values['password-stdin']);
        await accounts.resetPassword({ id: user.id, password, actor: CLI_ACTOR });
        console.log(`new password set for "${user.name}"; their sessions ended`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`staff: ${(error as Error).message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError || isAppError(error)) {
      console.error(`staff: ${error.message}`);
      process.exitCode = 1;
    } else {
      console.error('staff: unexpected error', error);
      process.exitCode = 1;
    }
  },
);
