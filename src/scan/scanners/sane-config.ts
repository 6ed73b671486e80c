import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a private SANE config dir whose dll.conf loads only `backends` (e.g. `['test']`,
 * `['airscan']`), and returns the env for `createSaneScannerDriver({ env })`. Debian ships the
 * `test` backend commented out in /etc/sane.d/dll.conf; this enables it (for the demo, CI and
 * e2e tests) without editing system files, and keeps slow USB/network probing of unused backends
 * out of every scan. The trailing ':' in SANE_CONFIG_DIR makes SANE fall back to /etc/sane.d for
 * each backend's own config (airscan.conf, …).
 */
export async function prepareSaneConfigDir({ directory, backends }: { directory: string; backends: string[] }): Promise<{ env: { SANE_CONFIG_DIR: string } }> {
  await mkdir(directory, { recursive: true, mode: 0o755 });
  const names = backends.filter((b) => /^[a-z0-9_]+$/.test(b));
  await writeFile(path.join(directory, 'dll.conf'), `${names.join('\n')}\n`, { mode: 0o644 });
  return { env: { SANE_CONFIG_DIR: `${directory}:` } };
}
