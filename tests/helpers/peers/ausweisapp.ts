import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { makeTempDir, requireCommand, spawnLogged, tailOf, waitUntil } from './process.ts';

// Debian's AusweisApp2 (package ausweisapp2, Qt 6) headless, with only its SDK interface:
// `AusweisApp2 --ui websocket --port 0` on Qt's offscreen platform. Facts found with 1.26.2:
// - `--port 0` lets the kernel pick; the port lands in `$TMPDIR/AusweisApp2.<pid>.port`, and the
//   same port serves 127.0.0.1 and ::1 (WebSocket `/eID-Kernel`; plain HTTP answers 503).
// - One SDK client at a time: a second WebSocket handshake gets HTTP 429 until the first closes.
// - It needs no D-Bus and no display. Settings go to `$XDG_CONFIG_HOME/Unknown Organization/`,
//   Qt wants a 0700 `XDG_RUNTIME_DIR`; all of that is kept in the harness's temp dir.
// - SIGTERM ends it cleanly within ~0.1 s ("Leaving application... bye bye!"), removing its
//   port file.
// - In SDK mode it lists a reader "Simulator" (no device); with no PC/SC daemon that is all.

export interface AusweisApp {
  /** The SDK WebSocket address, e.g. ws://127.0.0.1:41234/eID-Kernel. */
  url: string;
  port: number;
  pid: number;
  /** AusweisApp's own log (stdout/stderr), for error messages. */
  logFile: string;
  /** SIGTERM (then SIGKILL after a grace time); resolves when it is gone and its files removed. */
  stop: () => Promise<void>;
}

/** Starts a private headless AusweisApp2 on a free loopback port; throws if it is not installed. */
export async function startAusweisApp({ timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<AusweisApp> {
  const command = requireCommand('AusweisApp2', 'ausweisapp2');
  const temp = await makeTempDir('ausweisapp');
  const home = path.join(temp.dir, 'home');
  const tmp = path.join(temp.dir, 'tmp');
  const runtime = path.join(temp.dir, 'run');
  for (const dir of [home, tmp, runtime]) await mkdir(dir, { recursive: true, mode: 0o700 });
  const logFile = path.join(temp.dir, 'ausweisapp.log');

  // A minimal environment: nothing of the test runner's session (display, D-Bus, proxies) leaks
  // in, and nothing AusweisApp writes lands outside the temp dir.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    QT_QPA_PLATFORM: 'offscreen',
    HOME: home,
    TMPDIR: tmp,
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
  };
  // --no-logfile: the same lines go to stdout, which the harness keeps; --no-proxy: never ask
  // the network for a proxy configuration.
  const child = spawnLogged({
    command,
    args: ['--ui', 'websocket', '--port', '0', '--address', '127.0.0.1', '--no-logfile', '--no-proxy'],
    env,
    cwd: temp.dir,
    logFile,
  });

  const portFile = path.join(tmp, `AusweisApp2.${child.pid}.port`);
  let port = 0;
  const stop = async () => {
    await child.stop();
    await temp.remove();
  };
  try {
    await waitUntil({
      timeoutMs,
      check: async () => {
        if (child.hasExited()) throw new Error(`AusweisApp2 exited during start:\n${await tailOf(logFile)}`);
        const text = await readFile(portFile, 'utf8').catch(() => '');
        const parsed = Number(text.trim());
        if (!Number.isInteger(parsed) || parsed <= 0) return false;
        port = parsed;
        // The port file is written once the server listens; a handshake proves the SDK answers.
        return (await sdkHandshakeStatus({ port })) === 101;
      },
      describe: async () => `AusweisApp2 did not open its SDK port within ${timeoutMs} ms:\n${await tailOf(logFile)}`,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `ws://127.0.0.1:${port}/eID-Kernel`, port, pid: child.pid, logFile, stop };
}

export interface SdkConnection {
  /** The HTTP status of the WebSocket handshake: 101 = connected, 429 = another client is, 409 = GUI busy. */
  status: number;
  /** Closes the connection (a no-op when the handshake was refused). */
  release: () => void;
}

/**
 * Opens AusweisApp's SDK WebSocket from Node (node:http upgrade; Node 20 has no WebSocket client
 * without a flag) and keeps it open — AusweisApp then refuses every other client with 429, as it
 * does while a page or a login holds it. Resolves with the handshake's status; rejects only when
 * nothing listens.
 */
export async function holdSdkConnection({ port, timeoutMs = 5_000 }: { port: number; timeoutMs?: number }): Promise<SdkConnection> {
  return await new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/eID-Kernel',
      timeout: timeoutMs,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('druckpunkt-tests').toString('base64'),
      },
    });
    request.once('upgrade', (response, socket: Socket) => {
      socket.on('error', () => undefined);
      resolve({ status: response.statusCode ?? 0, release: () => socket.destroy() });
    });
    request.once('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, release: () => undefined });
    });
    request.once('timeout', () => request.destroy(new Error(`no answer from 127.0.0.1:${port} within ${timeoutMs} ms`)));
    request.once('error', reject);
    request.end();
  });
}

/** One handshake, closed at once: 101 when AusweisApp would take a new client now. */
export async function sdkHandshakeStatus({ port }: { port: number }): Promise<number> {
  try {
    const connection = await holdSdkConnection({ port });
    connection.release();
    return connection.status;
  } catch {
    return 0;
  }
}
