#!/usr/bin/env node
// Makes sure the real peer programs the integration tests talk to are installed, before
// `npm test` runs. Tests never skip a missing peer, they fail; this script turns that failure
// into one readable line (or installs the packages when we are root, as in CI).
//
// Other parts of the project add their peers to REQUIRED_PEERS below: one entry per Debian
// package, with the commands that prove it is installed. An entry without commands is checked
// with `dpkg -s` (fonts, filter collections).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** @type {{ pkg: string, commands: string[] }[]} */
const REQUIRED_PEERS = [
  { pkg: 'chromium', commands: ['chromium'] },
  { pkg: 'cups', commands: ['cupsd', 'lpadmin'] },
  { pkg: 'cups-client', commands: ['lp', 'lpstat'] },
  { pkg: 'cups-ipp-utils', commands: ['ipptool', 'ippeveprinter', 'ippfind'] },
  // texttopdf/pdftopdf: the private cupsd converts text and PDF jobs with them.
  { pkg: 'cups-filters', commands: [] },
  { pkg: 'sane-utils', commands: ['scanimage'] },
  // ippeveprinter and cupsd need a D-Bus to talk to (a private one per test).
  { pkg: 'dbus', commands: ['dbus-daemon'] },
  { pkg: 'poppler-utils', commands: ['pdftoppm', 'pdfinfo'] },
  { pkg: 'qpdf', commands: ['qpdf'] },
  { pkg: 'ghostscript', commands: ['gs'] },
  // texttopdf embeds this font; without it text jobs come out empty.
  { pkg: 'fonts-dejavu-core', commands: [] },
  // Scan OCR: German and English text layers, fully offline.
  { pkg: 'tesseract-ocr', commands: ['tesseract'] },
  { pkg: 'tesseract-ocr-deu', commands: [] },
  { pkg: 'tesseract-ocr-eng', commands: [] },
  // Online-Ausweis status: headless AusweisApp (SDK over WebSocket). Qt's offscreen platform
  // plugin comes with its dependency libqt6gui6; no display, D-Bus or extra Qt package needed.
  { pkg: 'ausweisapp2', commands: ['AusweisApp2'] },
];

/**
 * The peers `npm run bench` compares against, on top of the test peers (`--bench`): img2pdf and
 * ocrmypdf (with pngquant for its -O3) for the scan benchmark.
 * @type {{ pkg: string, commands: string[] }[]}
 */
const BENCH_PEERS = [
  { pkg: 'img2pdf', commands: ['img2pdf'] },
  { pkg: 'ocrmypdf', commands: ['ocrmypdf'] },
  { pkg: 'pngquant', commands: ['pngquant'] },
];
if (process.argv.includes('--bench')) REQUIRED_PEERS.push(...BENCH_PEERS);

// Debian puts cupsd/lpadmin in /usr/sbin, which a non-login PATH may lack.
const SEARCH_DIRS = [
  ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean),
  '/usr/local/sbin',
  '/usr/sbin',
  '/sbin',
];

function hasCommand(name) {
  for (const dir of SEARCH_DIRS) {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function isPackageInstalled(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/** Returns the entries whose commands (or, without commands, whose package) are missing. */
function findMissing() {
  return REQUIRED_PEERS.map(({ pkg, commands }) => {
    const missingCommands = commands.filter((command) => !hasCommand(command));
    const missing = commands.length > 0 ? missingCommands.length > 0 : !isPackageInstalled(pkg);
    return { pkg, missing, missingCommands };
  }).filter((entry) => entry.missing);
}

function describe(missing) {
  return missing
    .map(({ pkg, missingCommands }) =>
      missingCommands.length > 0 ? `${pkg} (commands: ${missingCommands.join(', ')})` : `${pkg} (package)`,
    )
    .join('; ');
}

function run(command, args) {
  console.log(`test-peers: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function main() {
  const missing = findMissing();
  if (missing.length === 0) return 0;

  const packages = [...new Set(missing.map((entry) => entry.pkg))];
  const aptArgs = ['install', '-y', '--no-install-recommends', ...packages];
  console.error(`test-peers: missing: ${describe(missing)}`);

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`test-peers: install them with: sudo apt-get update && sudo apt-get ${aptArgs.join(' ')}`);
    return 1;
  }

  if (run('apt-get', ['update']) !== 0) console.error('test-peers: apt-get update failed; trying the install anyway');
  if (run('apt-get', aptArgs) !== 0) console.error('test-peers: apt-get install failed');

  const stillMissing = findMissing();
  if (stillMissing.length > 0) {
    console.error(`test-peers: still missing after install: ${describe(stillMissing)}`);
    return 1;
  }
  console.log(`test-peers: installed ${packages.join(' ')}`);
  return 0;
}

process.exitCode = main();
