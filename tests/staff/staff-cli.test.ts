import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/database.ts';
import { verifyPassword } from '../../src/staff/passwords.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm run staff -- …` as the README says (through tsx), with `input` on stdin. */
function runCli(dataDir: string, args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/staff.ts', ...args], {
      cwd: root,
      env: { ...process.env, DRUCKPUNKT_DATA_DIR: dataDir, DRUCKPUNKT_CONFIG: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('staff command line', () => {
  test('adds an admin with a password from stdin into the data folder\'s database, lists, disables and resets them', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-staff-cli-'));
    dirs.push(dataDir);
    const added = await runCli(dataDir, ['add', 'anna', '--role', 'admin', '--password-stdin'], 'lange-geheime-phrase\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added admin "anna"');
    expect(added.stdout + added.stderr).not.toContain('lange-geheime-phrase');

    const db = openDatabase({ file: path.join(dataDir, 'druckpunkt.sqlite') });
    const row = db.prepare('SELECT name, role, password_hash FROM staff_users').get() as { name: string; role: string; password_hash: string };
    expect(row).toMatchObject({ name: 'anna', role: 'admin' });
    expect(await verifyPassword('lange-geheime-phrase', row.password_hash)).toBe(true);
    expect(db.prepare("SELECT user_name, action FROM staff_audit WHERE action = 'user.create'").get()).toEqual({ user_name: 'cli', action: 'user.create' });
    db.close();

    const list = await runCli(dataDir, ['list']);
    expect(list.stdout).toMatch(/^\d+\tanna\tadmin\n$/);
    expect((await runCli(dataDir, ['disable', 'anna'])).code).toBe(0);
    expect((await runCli(dataDir, ['list'])).stdout).toContain('\tdisabled');
    expect((await runCli(dataDir, ['reset-password', 'anna', '--password-stdin'], 'eine-andere-phrase')).code).toBe(0);
    const check = openDatabase({ file: path.join(dataDir, 'druckpunkt.sqlite') });
    const hash = (check.prepare('SELECT password_hash FROM staff_users').get() as { password_hash: string }).password_hash;
    expect(await verifyPassword('eine-andere-phrase', hash)).toBe(true);
    check.close();
  });

  test('refuses a short password, a second user of the same name and a missing role with a message and a failing exit code', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-staff-cli-'));
    dirs.push(dataDir);
    const short = await runCli(dataDir, ['add', 'ben', '--role', 'staff', '--password-stdin'], 'kurz\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 10 characters');
    expect((await runCli(dataDir, ['add', 'ben', '--role', 'staff', '--password-stdin'], 'lang-genug-jetzt\n')).code).toBe(0);
    const twice = await runCli(dataDir, ['add', 'BEN', '--role', 'staff', '--password-stdin'], 'lang-genug-jetzt\n');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('already exists');
    const noRole = await runCli(dataDir, ['add', 'carl', '--password-stdin'], 'lang-genug-jetzt\n');
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toContain('--role must be admin or staff');
  });
});
