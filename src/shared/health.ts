import { statfs, writeFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/database.ts';

export type HealthCheck = { ok: boolean; detail?: string };
export type HealthReport = { ok: boolean; checks: Record<string, HealthCheck> };

/** Checks what the service needs to take jobs: the database answers, the data folder takes a write, disk is free. */
export async function checkHealth({
  db,
  dataDir,
  minFreeDiskMb,
}: {
  db: Db;
  dataDir: string;
  minFreeDiskMb: number;
}): Promise<HealthReport> {
  const checks: Record<string, HealthCheck> = {};
  try {
    const row = db.prepare('SELECT 1 AS one').get() as { one: number } | undefined;
    checks.database = { ok: row?.one === 1 };
  } catch {
    checks.database = { ok: false, detail: 'database does not answer' };
  }
  const probe = path.join(dataDir, `.healthz-${process.pid}`);
  try {
    await writeFile(probe, 'ok');
    await unlink(probe);
    checks.dataDir = { ok: true };
  } catch {
    checks.dataDir = { ok: false, detail: 'data folder is not writable' };
  }
  try {
    const stats = await statfs(dataDir);
    const freeMb = Math.floor((Number(stats.bavail) * Number(stats.bsize)) / (1024 * 1024));
    checks.disk = freeMb >= minFreeDiskMb ? { ok: true, detail: `${freeMb} MB free` } : { ok: false, detail: `only ${freeMb} MB free` };
  } catch {
    checks.disk = { ok: false, detail: 'free disk space unknown' };
  }
  return { ok: Object.values(checks).every((check) => check.ok), checks };
}
