import type { Db } from '../db/database.ts';

export type StaffRole = 'admin' | 'staff';

/** A staff account. `passwordHash` never leaves the staff domain. */
export type StaffUser = {
  id: number;
  name: string;
  role: StaffRole;
  passwordHash: string;
  disabled: boolean;
  /** Wrong passwords in a row since the last success or lock. */
  failedLogins: number;
  /** Epoch ms until which logins are refused; null when not locked. */
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
};

type UserRow = {
  id: number;
  name: string;
  role: StaffRole;
  password_hash: string;
  disabled: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
};

const toUser = (row: UserRow): StaffUser => ({
  id: row.id,
  name: row.name,
  role: row.role,
  passwordHash: row.password_hash,
  disabled: row.disabled === 1,
  failedLogins: row.failed_logins,
  lockedUntil: row.locked_until,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export type StaffSession = { idHash: string; userId: number; csrfToken: string; createdAt: number; lastSeenAt: number; endedAt: number | null };

type SessionRow = { id_hash: string; user_id: number; csrf_token: string; created_at: number; last_seen_at: number; ended_at: number | null };

const toSession = (row: SessionRow): StaffSession => ({
  idHash: row.id_hash,
  userId: row.user_id,
  csrfToken: row.csrf_token,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  endedAt: row.ended_at,
});

export type AuditEntry = {
  id: number;
  at: number;
  userId: number | null;
  userName: string;
  action: string;
  siteId: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
};

type AuditRow = {
  id: number;
  at: number;
  user_id: number | null;
  user_name: string;
  action: string;
  site_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: string;
};

const toAudit = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: row.at,
  userId: row.user_id,
  userName: row.user_name,
  action: row.action,
  siteId: row.site_id,
  targetType: row.target_type,
  targetId: row.target_id,
  details: JSON.parse(row.details) as Record<string, unknown>,
});

/** A terminal session as the lost-code lookup sees it. */
export type TerminalSessionRow = { id: string; siteId: string; terminalId: string; code: string; startedAt: number; endedAt: number | null };

export function createStaffRepository({ db }: { db: Db }) {
  const s = {
    userByName: db.prepare<[string], UserRow>('SELECT * FROM staff_users WHERE name = ?'),
    userById: db.prepare<[number], UserRow>('SELECT * FROM staff_users WHERE id = ?'),
    users: db.prepare<[], UserRow>('SELECT * FROM staff_users ORDER BY name'),
    insertUser: db.prepare(
      "INSERT INTO staff_users (name, role, password_hash, created_at, updated_at) VALUES (@name, @role, @passwordHash, @at, @at)",
    ),
    setDisabled: db.prepare('UPDATE staff_users SET disabled = ?, updated_at = ? WHERE id = ?'),
    setPassword: db.prepare('UPDATE staff_users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?'),
    recordFailure: db.prepare<[number], { failed_logins: number }>('UPDATE staff_users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins'),
    lock: db.prepare('UPDATE staff_users SET failed_logins = 0, locked_until = ? WHERE id = ?'),
    clearFailures: db.prepare('UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = ?'),

    insertSession: db.prepare(
      'INSERT INTO staff_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (@idHash, @userId, @csrfToken, @at, @at)',
    ),
    sessionByHash: db.prepare<[string], SessionRow>('SELECT * FROM staff_sessions WHERE id_hash = ?'),
    touchSession: db.prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?'),
    endSession: db.prepare('UPDATE staff_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL'),
    endSessionsOfUser: db.prepare('UPDATE staff_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL'),

    insertAudit: db.prepare(
      `INSERT INTO staff_audit (at, user_id, user_name, action, site_id, target_type, target_id, details)
       VALUES (@at, @userId, @userName, @action, @siteId, @targetType, @targetId, @details)`,
    ),
    auditPage: db.prepare<[number, number], AuditRow>('SELECT * FROM staff_audit WHERE id < ? ORDER BY id DESC LIMIT ?'),

    lastPrinterError: db.prepare<[string], { state: string; reason: string | null; updated_at: number }>(
      "SELECT state, reason, updated_at FROM print_attempts WHERE printer_id = ? AND state IN ('aborted', 'failed', 'unknown') ORDER BY id DESC LIMIT 1",
    ),
    attemptsInFlight: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM print_attempts WHERE printer_id = ? AND state IN ('created', 'submitted')"),
    terminalSessionsInWindow: db.prepare<[string, string, number, number], { id: string; site_id: string; terminal_id: string; code: string; started_at: number; ended_at: number | null }>(
      `SELECT id, site_id, terminal_id, code, started_at, ended_at FROM terminal_sessions
       WHERE site_id = ? AND terminal_id = ? AND started_at <= ? AND (ended_at IS NULL OR ended_at >= ?)
       ORDER BY started_at DESC LIMIT 20`,
    ),
  };

  return {
    findUserByName: (name: string) => {
      const row = s.userByName.get(name);
      return row ? toUser(row) : undefined;
    },
    getUser: (id: number) => {
      const row = s.userById.get(id);
      return row ? toUser(row) : undefined;
    },
    listUsers: () => s.users.all().map(toUser),
    insertUser: ({ name, role, passwordHash, at }: { name: string; role: StaffRole; passwordHash: string; at: number }): number =>
      Number(s.insertUser.run({ name, role, passwordHash, at }).lastInsertRowid),
    setDisabled: ({ id, disabled, at }: { id: number; disabled: boolean; at: number }) => {
      s.setDisabled.run(disabled ? 1 : 0, at, id);
    },
    setPassword: ({ id, passwordHash, at }: { id: number; passwordHash: string; at: number }) => {
      s.setPassword.run(passwordHash, at, id);
    },
    /** Counts a wrong password; returns the count in a row (atomic, so parallel tries all count). */
    recordFailure: (id: number): number => s.recordFailure.get(id)?.failed_logins ?? 0,
    lock: ({ id, until }: { id: number; until: number }) => {
      s.lock.run(until, id);
    },
    clearFailures: (id: number) => {
      s.clearFailures.run(id);
    },

    insertSession: ({ idHash, userId, csrfToken, at }: { idHash: string; userId: number; csrfToken: string; at: number }) => {
      s.insertSession.run({ idHash, userId, csrfToken, at });
    },
    findSession: (idHash: string) => {
      const row = s.sessionByHash.get(idHash);
      return row ? toSession(row) : undefined;
    },
    touchSession: ({ idHash, at }: { idHash: string; at: number }) => {
      s.touchSession.run(at, idHash);
    },
    endSession: ({ idHash, at }: { idHash: string; at: number }) => {
      s.endSession.run(at, idHash);
    },
    endSessionsOfUser: ({ userId, at }: { userId: number; at: number }) => {
      s.endSessionsOfUser.run(at, userId);
    },

    insertAudit: (entry: Omit<AuditEntry, 'id'>) => {
      s.insertAudit.run({ ...entry, details: JSON.stringify(entry.details) });
    },
    listAudit: ({ beforeId, limit }: { beforeId?: number; limit: number }) => s.auditPage.all(beforeId ?? Number.MAX_SAFE_INTEGER, limit).map(toAudit),

    lastPrinterError: (printerId: string) => {
      const row = s.lastPrinterError.get(printerId);
      return row ? { state: row.state, reason: row.reason, at: row.updated_at } : undefined;
    },
    attemptsInFlight: (printerId: string): number => s.attemptsInFlight.get(printerId)?.n ?? 0,
    /** Sessions of a terminal that were running at some point in [from, to], newest first. */
    terminalSessionsInWindow: ({ siteId, terminalId, from, to }: { siteId: string; terminalId: string; from: number; to: number }): TerminalSessionRow[] =>
      s.terminalSessionsInWindow.all(siteId, terminalId, to, from).map((r) => ({ id: r.id, siteId: r.site_id, terminalId: r.terminal_id, code: r.code, startedAt: r.started_at, endedAt: r.ended_at })),
  };
}

export type StaffRepository = ReturnType<typeof createStaffRepository>;
