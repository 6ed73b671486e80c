// Builds the web pages (web/ → web/dist) when they are missing or older than their sources, so
// `npm start` and the browser tests always serve what is in the checkout. A fresh build is a
// fast no-op: the sources' content hash is compared with the stamp the last build left.
//
// Content hashes, not mtimes: a fresh `git clone` gives every file a new mtime, and a rebuild
// after each clone would cost more than hashing a few hundred KB.
//
//   node scripts/ensure-web-build.mjs          build if needed
//   node scripts/ensure-web-build.mjs --force  build anyway
//   --root DIR   treat DIR as the repository (tests build a copy, never the shared checkout)
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 && process.argv[rootArg + 1] ? path.resolve(process.argv[rootArg + 1]) : fileURLToPath(new URL('..', import.meta.url));
const webDir = path.join(root, 'web');
const distDir = path.join(webDir, 'dist');
const stampName = '.build-stamp';
const lockDir = path.join(webDir, '.build-lock');
const pages = ['terminal', 'station', 'staff'];
// Outside web/ but able to change the output: dependency versions and the JSX settings.
const extraInputs = ['package-lock.json', 'tsconfig.json'];
const lockWaitMs = 180_000;
const staleLockMs = 10 * 60_000;

/** Every source under web/ except build output, temporary build folders and the lock. */
async function listWebSources(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full === distDir) continue;
      files.push(...(await listWebSources(full)));
    } else if (entry.isFile()) {
      files.push(full);
    }
  }
  return files;
}

export async function hashWebInputs() {
  const files = [...(await listWebSources(webDir)), ...extraInputs.map((name) => path.join(root, name)).filter((file) => existsSync(file))];
  const relative = files.map((file) => path.relative(root, file).split(path.sep).join('/')).sort();
  const hash = createHash('sha256');
  for (const name of relative) {
    hash.update(name).update('\0').update(await readFile(path.join(root, name))).update('\0');
  }
  return hash.digest('hex');
}

async function isFresh(hash) {
  try {
    const stamp = (await readFile(path.join(distDir, stampName), 'utf8')).trim();
    return stamp === hash && pages.every((page) => existsSync(path.join(distDir, page, 'index.html')));
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One builder at a time (parallel test files, a test beside `npm start`): mkdir is atomic. */
async function acquireLock() {
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lockDir);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = await stat(lockDir).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > staleLockMs) {
        // Left behind by a killed build.
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > lockWaitMs) {
        throw new Error(`another web build holds ${path.relative(root, lockDir)} for too long`, { cause: error });
      }
      await sleep(200);
    }
  }
}

async function runViteBuild(outDir) {
  let vite;
  try {
    vite = await import('vite');
  } catch (error) {
    throw new Error('vite is not installed (dev dependency); run `npm ci` to build the web pages', { cause: error });
  }
  await vite.build({
    configFile: path.join(webDir, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

async function main() {
  const force = process.argv.includes('--force');
  const started = performance.now();
  const hash = await hashWebInputs();
  if (!force && (await isFresh(hash))) {
    console.log(`web pages are up to date (${Math.round(performance.now() - started)} ms)`);
    return;
  }

  await acquireLock();
  try {
    if (!force && (await isFresh(hash))) {
      console.log('web pages were just built by another process');
      return;
    }
    console.log(existsSync(distDir) ? 'web sources changed; building the web pages…' : 'building the web pages…');
    // Build beside dist and swap at the end: a running server never sees a half-written dist.
    const outDir = path.join(webDir, `.dist-build-${process.pid}`);
    const oldDir = path.join(webDir, `.dist-old-${process.pid}`);
    try {
      await runViteBuild(outDir);
      await writeFile(path.join(outDir, stampName), `${hash}\n`);
      if (existsSync(distDir)) await rename(distDir, oldDir);
      await rename(outDir, distDir);
    } finally {
      await rm(outDir, { recursive: true, force: true });
      await rm(oldDir, { recursive: true, force: true });
    }
    console.log(`web pages built in ${Math.round(performance.now() - started)} ms`);
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().catch((error) => {
    console.error(`web build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
