import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { migrate, openDatabase } from '../../src/db/database.ts';
import { openIntakeJournal } from '../../src/spool/intake-journal.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { buildPdf, plainPdfObjects } from './formats/pdf-builder.ts';

const dirs: string[] = [];
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-intake-'));
  dirs.push(dir);
  return dir;
}

const PDF = buildPdf({ objects: plainPdfObjects(3) });

describe('intake journal file', () => {
  test('gives back what was appended, in order, and is empty after clear; only its owner may read it', () => {
    const file = path.join(tempDir(), 'journal');
    const journal = openIntakeJournal({ file });
    closers.push(() => journal.close());
    expect(journal.readAll()).toEqual([]);
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff));
    journal.append({ n: 1, text: 'ä€' }, data);
    journal.append({ n: 2, list: [1, 2, 3] });
    const records = journal.readAll();
    expect(records.map((r) => r.meta)).toEqual([{ n: 1, text: 'ä€' }, { n: 2, list: [1, 2, 3] }]);
    expect(Buffer.compare(records[0]!.data, data)).toBe(0);
    expect(records[1]!.data.length).toBe(0);
    // The data is stored as it is, not as text: the record is barely larger than its parts.
    expect(journal.size()).toBeLessThan(data.length + 100);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    journal.clear();
    expect(journal.size()).toBe(0);
    expect(journal.readAll()).toEqual([]);
    journal.append({ n: 3 });
    expect(journal.readAll().map((r) => r.meta)).toEqual([{ n: 3 }]);
  });

  test('a torn or damaged record ends the replay there; the records before it count', () => {
    const file = path.join(tempDir(), 'journal');
    const journal = openIntakeJournal({ file });
    closers.push(() => journal.close());
    journal.append({ n: 1 }, Buffer.from('first'));
    journal.append({ n: 2 }, Buffer.from('second'));
    const metas = () => journal.readAll().map((r) => r.meta);
    const whole = readFileSync(file);
    // Torn: the last record cut short, as a power loss mid-write would leave it.
    writeFileSync(file, whole.subarray(0, whole.length - 3));
    expect(metas()).toEqual([{ n: 1 }]);
    // Damaged: a flipped byte in the second record's data fails its CRC.
    const damaged = Buffer.from(whole);
    damaged[damaged.length - 2]! ^= 0xff;
    writeFileSync(file, damaged);
    expect(metas()).toEqual([{ n: 1 }]);
    // A flipped byte in the first record's metadata length fails it (and so ends the replay at once).
    const badLength = Buffer.from(whole);
    badLength[8 + 3]! ^= 0x40;
    writeFileSync(file, badLength);
    expect(metas()).toEqual([]);
    // Garbage length: not read as a record.
    writeFileSync(file, Buffer.concat([whole, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0])]));
    expect(metas()).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe('Print-Jobs answered from the journal', () => {
  async function submitDeferred(app: Awaited<ReturnType<typeof createTestApp>>['app'], name: string) {
    const match = app.spool.identifyClient({ address: '127.0.0.1', siteId: 'lobeda' })!;
    return app.spool.submitJob({
      match,
      source: 'ipp',
      name,
      requestingUser: null,
      options: { copies: 2, sides: 'two-sided-long-edge', colorMode: 'monochrome', media: 'iso_a4_210x297mm' },
      bytes: PDF,
      declaredFormat: 'application/pdf',
      deferCommit: true,
    });
  }

  test('the answer is the job exactly as it is stored a moment later; no other job can take its id', async () => {
    const ctx = await createTestApp();
    closers.push(() => ctx.close());
    const answered = await submitDeferred(ctx.app, 'Antrag.pdf');
    // Answered from the journal: not in the database yet, but in the journal (ciphertext only).
    expect(ctx.app.spool.getJob(answered.id)).toBeUndefined();
    expect(ctx.intakeJournal.size()).toBeGreaterThan(PDF.length);
    expect(readFileSync(path.join(ctx.dataDir, 'spool-intake.journal')).includes(Buffer.from('%PDF-'))).toBe(false);
    // A job created meanwhile gets the next id, not the journaled job's.
    const match = ctx.app.spool.identifyClient({ address: '127.0.0.1', siteId: 'lobeda' })!;
    const created = ctx.app.spool.createJob({ match, source: 'ipp', name: 'b', requestingUser: null, options: { copies: 1, sides: 'one-sided', colorMode: 'color', media: 'iso_a4_210x297mm' } });
    expect(created.id).toBe(answered.id + 1);

    expect(ctx.app.spool.flushIntake()).toBe(1);
    expect(ctx.app.spool.getJob(answered.id)).toEqual(answered);
    expect(answered).toMatchObject({ state: 'held', stateReason: 'job-hold-until-specified', pages: 3, copies: 2, sizeBytes: PDF.length });
    expect(ctx.intakeJournal.size()).toBe(0);
    const [document] = ctx.app.spool.listDocuments(answered.id);
    expect(Buffer.compare(await ctx.app.store.readAll(document!.documentId), PDF)).toBe(0);
    // Counted once for the statistics.
    const counted = ctx.db.prepare("SELECT SUM(value) AS n FROM stats_daily WHERE metric LIKE 'print_jobs%'").get() as { n: number };
    expect(counted.n).toBeGreaterThanOrEqual(1);
  });

  test('jobs answered one after another are committed together a few milliseconds later, and the journal is emptied', async () => {
    const ctx = await createTestApp();
    closers.push(() => ctx.close());
    // Without a macrotask in between (no I/O, no timer) nothing commits them yet.
    const answered = [await submitDeferred(ctx.app, 'a.pdf'), await submitDeferred(ctx.app, 'b.pdf'), await submitDeferred(ctx.app, 'c.pdf')];
    expect(answered.map((job) => ctx.app.spool.getJob(job.id))).toEqual([undefined, undefined, undefined]);
    expect(ctx.intakeJournal.readAll()).toHaveLength(3);
    for (let waited = 0; ctx.intakeJournal.size() > 0 && waited < 2000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(answered.map((job) => ctx.app.spool.getJob(job.id))).toEqual(answered);
    expect(ctx.intakeJournal.size()).toBe(0);
    // Nothing left to commit.
    expect(ctx.app.spool.flushIntake()).toBe(0);
  });

  test('a crash after the answer and before the commit: the next start takes the job from the journal', async () => {
    const dataDir = tempDir();
    const dbFile = path.join(dataDir, 'druckpunkt.sqlite');
    const db = openDatabase({ file: dbFile });
    migrate({ db });
    const first = await createTestApp({ db, dataDir });
    closers.push(async () => {
      await first.close();
      db.close();
    });
    const answered = await submitDeferred(first.app, 'Bewerbung.pdf');
    // The crash: the data folder as it is at this instant, before the commit that follows.
    const crashed = tempDir();
    for (const name of ['druckpunkt.sqlite', 'druckpunkt.sqlite-wal', 'master.key', 'spool-intake.journal']) {
      if (existsSync(path.join(dataDir, name))) copyFileSync(path.join(dataDir, name), path.join(crashed, name));
    }

    // And a record that cannot be stored (its session does not exist): reported, not fatal.
    const crashedJournal = openIntakeJournal({ file: path.join(crashed, 'spool-intake.journal') });
    const { meta, data } = (crashedJournal.readAll() as Array<{ meta: { job: { id: number; sessionId: string }; document: { id: string } }; data: Buffer }>)[0]!;
    crashedJournal.append({ ...meta, job: { ...meta.job, id: meta.job.id + 100, sessionId: 'no-such-session' }, document: { ...meta.document, id: meta.document.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')) } }, data);
    crashedJournal.close();

    const crashedDb = openDatabase({ file: path.join(crashed, 'druckpunkt.sqlite') });
    migrate({ db: crashedDb });
    expect(crashedDb.prepare('SELECT count(*) AS n FROM print_jobs').get()).toEqual({ n: 0 });
    const second = await createTestApp({ db: crashedDb, dataDir: crashed });
    closers.push(async () => {
      await second.close();
      crashedDb.close();
    });
    expect(await second.app.spool.recoverAfterRestart()).toMatchObject({ replayedFromJournal: 1 });
    expect(second.app.spool.getJob(answered.id)).toEqual(answered);
    expect(second.app.spool.getJob(answered.id + 100)).toBeUndefined();
    expect(second.logs.text()).toContain('could not be stored at start');
    const [document] = second.app.spool.listDocuments(answered.id);
    expect(Buffer.compare(await second.app.store.readAll(document!.documentId), PDF)).toBe(0);
    expect(second.intakeJournal.size()).toBe(0);
    // A second start replays nothing twice.
    expect(await second.app.spool.recoverAfterRestart()).toMatchObject({ replayedFromJournal: 0 });
  });
});
