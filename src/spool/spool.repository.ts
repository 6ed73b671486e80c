import { immediateTransaction, type Db } from '../db/database.ts';
import type { JobDocument, JobState, PrintJob, PrintOptions, TerminalSession } from './spool.models.ts';

type SessionRow = {
  id: string;
  site_id: string;
  terminal_id: string;
  code: string;
  qr_token: string;
  started_at: number;
  ended_at: number | null;
};

type JobRow = {
  id: number;
  site_id: string;
  session_id: string;
  terminal_id: string;
  source: 'ipp' | 'upload';
  name: string;
  state: JobState;
  state_reason: string | null;
  requesting_user: string | null;
  copies: number;
  sides: PrintJob['sides'];
  color_mode: PrintJob['colorMode'];
  media: string;
  pages: number;
  size_bytes: number;
  pages_completed: number;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
};

type DocumentRow = {
  job_id: number;
  seq: number;
  document_id: string;
  source_format: string;
  pages: number;
  size_bytes: number;
  checked: number;
};

const toSession = (row: SessionRow): TerminalSession => ({
  id: row.id,
  siteId: row.site_id,
  terminalId: row.terminal_id,
  code: row.code,
  qrToken: row.qr_token,
  startedAt: row.started_at,
  endedAt: row.ended_at,
});

const toJob = (row: JobRow): PrintJob => ({
  id: row.id,
  siteId: row.site_id,
  sessionId: row.session_id,
  terminalId: row.terminal_id,
  source: row.source,
  name: row.name,
  state: row.state,
  stateReason: row.state_reason,
  requestingUser: row.requesting_user,
  copies: row.copies,
  sides: row.sides,
  colorMode: row.color_mode,
  media: row.media,
  pages: row.pages,
  sizeBytes: row.size_bytes,
  pagesCompleted: row.pages_completed,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  completedAt: row.completed_at,
});

const toDocument = (row: DocumentRow): JobDocument => ({
  jobId: row.job_id,
  seq: row.seq,
  documentId: row.document_id,
  sourceFormat: row.source_format,
  pages: row.pages,
  sizeBytes: row.size_bytes,
  checked: row.checked === 1,
});

export function createSpoolRepository({ db }: { db: Db }) {
  // One transaction wrapper for all callers (better-sqlite3 builds one per db.transaction call).
  const runInTransaction = immediateTransaction(db, (fn: () => unknown) => fn());
  const statements = {
    currentSession: db.prepare<[string, string], SessionRow>(
      'SELECT * FROM terminal_sessions WHERE site_id = ? AND terminal_id = ? AND ended_at IS NULL',
    ),
    sessionById: db.prepare<[string], SessionRow>('SELECT * FROM terminal_sessions WHERE id = ?'),
    insertSession: db.prepare(
      `INSERT INTO terminal_sessions (id, site_id, terminal_id, code, qr_token, started_at)
       VALUES (@id, @siteId, @terminalId, @code, @qrToken, @startedAt)`,
    ),
    endSession: db.prepare('UPDATE terminal_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    // A code is live while its session is current or still has a job waiting that has not expired.
    liveSessionsByCode: db.prepare<[string, string, number], SessionRow>(
      `SELECT s.* FROM terminal_sessions s
       WHERE s.site_id = ? AND s.code = ?
         AND (s.ended_at IS NULL OR EXISTS (
           SELECT 1 FROM print_jobs j WHERE j.session_id = s.id AND j.state IN ('incoming', 'held', 'processing', 'aborted') AND j.expires_at > ?))`,
    ),
    sessionByQrToken: db.prepare<[string], SessionRow>('SELECT * FROM terminal_sessions WHERE qr_token = ?'),
    insertJob: db.prepare(
      `INSERT INTO print_jobs (id, site_id, session_id, terminal_id, source, name, state, state_reason, requesting_user,
         copies, sides, color_mode, media, created_at, expires_at)
       VALUES (@id, @siteId, @sessionId, @terminalId, @source, @name, @state, @stateReason, @requestingUser,
         @copies, @sides, @colorMode, @media, @createdAt, @expiresAt)`,
    ),
    // The highest job id ever given (AUTOINCREMENT keeps it, also after the job is gone).
    lastJobId: db.prepare<[], { seq: number }>("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'print_jobs'), 0) AS seq"),
    jobById: db.prepare<[number], JobRow>('SELECT * FROM print_jobs WHERE id = ?'),
    jobsBySession: db.prepare<[string], JobRow>('SELECT * FROM print_jobs WHERE session_id = ? ORDER BY id'),
    jobsOfSite: db.prepare<[string], JobRow>('SELECT * FROM print_jobs WHERE site_id = ? ORDER BY id'),
    setState: db.prepare(
      'UPDATE print_jobs SET state = @state, state_reason = @stateReason, completed_at = @completedAt WHERE id = @id',
    ),
    setPagesCompleted: db.prepare('UPDATE print_jobs SET pages_completed = ? WHERE id = ?'),
    addToTotals: db.prepare('UPDATE print_jobs SET pages = pages + ?, size_bytes = size_bytes + ? WHERE id = ?'),
    nextSeq: db.prepare<[number], { next: number }>(
      'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM print_job_documents WHERE job_id = ?',
    ),
    insertDocument: db.prepare(
      `INSERT INTO print_job_documents (job_id, seq, document_id, source_format, pages, size_bytes, checked)
       VALUES (@jobId, @seq, @documentId, @sourceFormat, @pages, @sizeBytes, @checked)`,
    ),
    markChecked: db.prepare('UPDATE print_job_documents SET checked = 1, pages = @pages WHERE job_id = @jobId AND seq = @seq'),
    // Canceled and completed jobs have no documents left to check.
    uncheckedJobIds: db.prepare<[], { job_id: number }>(
      `SELECT DISTINCT d.job_id FROM print_job_documents d JOIN print_jobs j ON j.id = d.job_id
       WHERE d.checked = 0 AND j.state NOT IN ('canceled', 'completed') ORDER BY d.job_id`,
    ),
    documentsOfJob: db.prepare<[number], DocumentRow>('SELECT * FROM print_job_documents WHERE job_id = ? ORDER BY seq'),
    deleteJob: db.prepare('DELETE FROM print_jobs WHERE id = ?'),
    findPreview: db.prepare<[number, number, number], { document_id: string }>(
      'SELECT document_id FROM print_job_previews WHERE job_id = ? AND page = ? AND width = ?',
    ),
    insertPreview: db.prepare(
      `INSERT OR IGNORE INTO print_job_previews (job_id, page, width, document_id)
       SELECT @jobId, @page, @width, @documentId WHERE EXISTS (SELECT 1 FROM print_jobs WHERE id = @jobId)`,
    ),
  };

  // Every job asks for its terminal's current session; it changes only when a session starts or
  // ends, which goes through this repository (the purge deletes ended sessions only). Kept from a
  // read outside any transaction, so a rollback cannot leave a session here that is not stored.
  const currentSessions = new Map<string, Readonly<TerminalSession>>();

  return {
    findCurrentSession: ({ siteId, terminalId }: { siteId: string; terminalId: string }) => {
      const key = `${siteId}\n${terminalId}`;
      const known = currentSessions.get(key);
      if (known) return known;
      const row = statements.currentSession.get(siteId, terminalId);
      if (!row) return undefined;
      const session = Object.freeze(toSession(row));
      if (!db.inTransaction) currentSessions.set(key, session);
      return session;
    },
    getSession: (id: string) => {
      const row = statements.sessionById.get(id);
      return row ? toSession(row) : undefined;
    },
    insertSession: (session: Omit<TerminalSession, 'endedAt'>) => {
      currentSessions.clear();
      statements.insertSession.run(session);
    },
    endSession: ({ id, at }: { id: string; at: number }) => {
      currentSessions.clear();
      return statements.endSession.run(at, id).changes > 0;
    },
    findLiveSessionsByCode: ({ siteId, code, now }: { siteId: string; code: string; now: number }) =>
      statements.liveSessionsByCode.all(siteId, code, now).map(toSession),
    findSessionByQrToken: (qrToken: string) => {
      const row = statements.sessionByQrToken.get(qrToken);
      return row ? toSession(row) : undefined;
    },
    /** With `id`, that id (the spool's allocator gives it); without, the next one. */
    insertJob: (job: PrintOptions & {
      id?: number;
      siteId: string;
      sessionId: string;
      terminalId: string;
      source: 'ipp' | 'upload';
      name: string;
      state: JobState;
      stateReason?: string | null;
      requestingUser: string | null;
      createdAt: number;
      expiresAt: number;
    }): number => Number(statements.insertJob.run({ id: null, stateReason: null, ...job }).lastInsertRowid),
    lastJobId: (): number => statements.lastJobId.get()!.seq,
    /** Runs `fn` in one transaction (nested calls become savepoints). */
    inTransaction: <T>(fn: () => T): T => runInTransaction(fn) as T,
    getJob: (id: number) => {
      const row = statements.jobById.get(id);
      return row ? toJob(row) : undefined;
    },
    listJobsOfSession: (sessionId: string) => statements.jobsBySession.all(sessionId).map(toJob),
    listJobsOfSite: (siteId: string) => statements.jobsOfSite.all(siteId).map(toJob),
    setJobState: ({ id, state, stateReason = null, completedAt = null }: { id: number; state: JobState; stateReason?: string | null; completedAt?: number | null }) => {
      statements.setState.run({ id, state, stateReason, completedAt });
    },
    setPagesCompleted: ({ id, pagesCompleted }: { id: number; pagesCompleted: number }) => {
      statements.setPagesCompleted.run(pagesCompleted, id);
    },
    /** Adds a normalised document to a job and its pages and size to the job's totals, atomically. */
    addDocument: immediateTransaction(
      db,
      ({ jobId, documentId, sourceFormat, pages, sizeBytes, checked }: Omit<JobDocument, 'seq'>): JobDocument => {
        const seq = statements.nextSeq.get(jobId)!.next;
        statements.insertDocument.run({ jobId, seq, documentId, sourceFormat, pages, sizeBytes, checked: checked ? 1 : 0 });
        statements.addToTotals.run(pages, sizeBytes, jobId);
        return { jobId, seq, documentId, sourceFormat, pages, sizeBytes, checked };
      },
    ),
    /**
     * The first document of a job made in the caller's transaction (submitJob): no savepoint and
     * no look-up of the next number, as `addDocument` needs for a job that may have documents.
     */
    addFirstDocument: ({ jobId, documentId, sourceFormat, pages, sizeBytes, checked }: Omit<JobDocument, 'seq'>): JobDocument => {
      statements.insertDocument.run({ jobId, seq: 1, documentId, sourceFormat, pages, sizeBytes, checked: checked ? 1 : 0 });
      statements.addToTotals.run(pages, sizeBytes, jobId);
      return { jobId, seq: 1, documentId, sourceFormat, pages, sizeBytes, checked };
    },
    /** The full check passed: the document counts `pages` (the job's total follows), atomically. */
    markDocumentChecked: immediateTransaction(db, ({ jobId, seq, pages }: { jobId: number; seq: number; pages: number }) => {
      const before = statements.documentsOfJob.all(jobId).find((row) => row.seq === seq);
      if (!before) return;
      statements.markChecked.run({ jobId, seq, pages });
      if (before.pages !== pages) statements.addToTotals.run(pages - before.pages, 0, jobId);
    }),
    /** Jobs with a document whose full check has not passed yet, oldest first. */
    listJobIdsWithUncheckedDocuments: () => statements.uncheckedJobIds.all().map((row) => row.job_id),
    listDocuments: (jobId: number) => statements.documentsOfJob.all(jobId).map(toDocument),
    deleteJob: (id: number) => {
      statements.deleteJob.run(id);
    },
    findPreview: ({ jobId, page, width }: { jobId: number; page: number; width: number }) =>
      statements.findPreview.get(jobId, page, width)?.document_id,
    /** False when the job is gone or the preview exists already (the caller then drops its copy). */
    insertPreview: (preview: { jobId: number; page: number; width: number; documentId: string }) =>
      statements.insertPreview.run(preview).changes > 0,
  };
}

export type SpoolRepository = ReturnType<typeof createSpoolRepository>;
