// `npm start`: build the web pages when missing or stale, then run the server with tsx.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// The server's Node flags live in one file, which the benchmarks read too (see its "why").
const { flags } = JSON.parse(readFileSync(new URL('server-node-flags.json', import.meta.url), 'utf8'));
const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'src/server.ts'], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
