import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir, requireCommand, spawnLogged, tailOf, waitUntil } from './process.ts';

export interface DbusSession {
  /** `unix:path=…` address of the private bus. */
  address: string;
  /**
   * Environment for children that must not reach the machine's buses: both the system and the
   * session bus point at the private one (ippeveprinter's and cupsd's Avahi client look for the
   * system bus and refuse to start without any).
   */
  env: { DBUS_SYSTEM_BUS_ADDRESS: string; DBUS_SESSION_BUS_ADDRESS: string };
  logFile: string;
  stop: () => Promise<void>;
}

/** Starts a private `dbus-daemon` on a unix socket in its own temp dir. */
export async function startDbusSession({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<DbusSession> {
  const dbusDaemon = requireCommand('dbus-daemon', 'dbus');
  const temp = await makeTempDir('dbus');
  const socket = path.join(temp.dir, 'bus');
  const address = `unix:path=${socket}`;
  const logFile = path.join(temp.dir, 'dbus.log');
  // --nofork keeps the daemon our child, so stop() (and a crashed test run) cannot orphan it.
  const daemon = spawnLogged({
    command: dbusDaemon,
    args: ['--session', `--address=${address}`, '--nofork', '--nopidfile', '--print-address'],
    logFile,
  });
  try {
    await waitUntil({
      check: async () => {
        if (daemon.hasExited()) throw new Error(`dbus-daemon exited early:\n${await tailOf(logFile)}`);
        return existsSync(socket);
      },
      timeoutMs,
      intervalMs: 20,
      describe: async () => `dbus-daemon did not create its socket in ${timeoutMs} ms:\n${await tailOf(logFile)}`,
    });
  } catch (error) {
    await daemon.stop();
    await temp.remove();
    throw error;
  }
  return {
    address,
    env: { DBUS_SYSTEM_BUS_ADDRESS: address, DBUS_SESSION_BUS_ADDRESS: address },
    logFile,
    stop: async () => {
      await daemon.stop();
      await temp.remove();
    },
  };
}
