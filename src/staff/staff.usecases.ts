import { createHash } from 'node:crypto';
import { immediateTransaction, type Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { Logger } from '../shared/logger.ts';
import { dummyVerify, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import { createStaffRepository, type AuditEntry, type StaffRole, type StaffUser } from './staff.repository.ts';
import { createLoginFailedError, createUserExistsError, createUserNotFoundError, createWeakPasswordError } from './staff.errors.ts';

export const STAFF_SESSION_LIMITS = {
  /** Wrong passwords in a row that lock an account. */
  failuresBeforeLock: 5,
  lockMs: 15 * 60_000,
  /** A console left alone this long needs a new login. */
  idleMs: 30 * 60_000,
  /** Even an active console logs in again after a working day. */
  absoluteMs: 12 * 3_600_000,
} as const;

/** Who did something: a logged-in user, or the command line on the server. */
export type Actor = { id: number | null; name: string };
export const CLI_ACTOR: Actor = { id: null, name: 'cli' };

/** A logged-in staff member, as routes see them. */
export type StaffPrincipal = { user: Pick<StaffUser, 'id' | 'name' | 'role'>; csrfToken: string; sessionIdHash: string };

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/**
 * The audit log: every staff action with who, what, when and on what. Details hold counts,
 * reasons and ids only — callers never pass document names or codes.
 */
export function createAuditLog({ db, clock }: { db: Db; clock: Clock }) {
  const repo = createStaffRepository({ db });
  return {
    record({ actor, action, siteId = null, targetType = null, targetId = null, details = {} }: { actor: Actor; action: string; siteId?: string | null; targetType?: string | null; targetId?: string | number | null; details?: Record<string, string | number | boolean | null> }) {
      repo.insertAudit({ at: clock.now(), userId: actor.id, userName: actor.name, action, siteId, targetType, targetId: targetId === null ? null : String(targetId), details });
    },
    list: ({ beforeId, limit = 100 }: { beforeId?: number; limit?: number }): AuditEntry[] => repo.listAudit({ beforeId, limit }),
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/**
 * Staff accounts and console sessions. Passwords are scrypt hashes; logins lock an account for
 * 15 minutes after 5 wrong passwords, and unknown names, wrong passwords, disabled and locked
 * accounts all get the same answer after the same work. Sessions are server-side rows keyed by
 * the SHA-256 of a random 32-byte id, with an idle and an absolute timeout.
 */
export function createStaffAccounts({ db, clock, random, logger, audit }: { db: Db; clock: Clock; random: Random; logger: Logger; audit: AuditLog }) {
  const repo = createStaffRepository({ db });

  function requireUser(id: number): StaffUser {
    const user = repo.getUser(id);
    if (!user) throw createUserNotFoundError();
    return user;
  }

  function checkPassword(password: string) {
    if ([...password].length < MIN_PASSWORD_LENGTH) throw createWeakPasswordError();
  }

  return {
    async createUser({ name, role, password, actor }: { name: string; role: StaffRole; password: string; actor: Actor }): Promise<StaffUser> {
      checkPassword(password);
      if (repo.findUserByName(name)) throw createUserExistsError();
      const passwordHash = await hashPassword(password, random.bytes(16));
      let id: number;
      try {
        id = repo.insertUser({ name, role, passwordHash, at: clock.now() });
      } catch (error) {
        // Two admins creating the same name at once: the UNIQUE constraint decides.
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw createUserExistsError();
        throw error;
      }
      audit.record({ actor, action: 'user.create', targetType: 'user', targetId: id, details: { role } });
      return requireUser(id);
    },

    listUsers: () => repo.listUsers(),
    findUserByName: (name: string) => repo.findUserByName(name),
    requireUser,

    /** Disabling ends the user's sessions at once. */
    setDisabled({ id, disabled, actor }: { id: number; disabled: boolean; actor: Actor }): StaffUser {
      requireUser(id);
      const at = clock.now();
      immediateTransaction(db, () => {
        repo.setDisabled({ id, disabled, at });
        if (disabled) repo.endSessionsOfUser({ userId: id, at });
      })();
      audit.record({ actor, action: disabled ? 'user.disable' : 'user.enable', targetType: 'user', targetId: id });
      return requireUser(id);
    },

    /** A new password also lifts a lock and ends the user's sessions. */
    async resetPassword({ id, password, actor }: { id: number; password: string; actor: Actor }): Promise<StaffUser> {
      checkPassword(password);
      requireUser(id);
      const passwordHash = await hashPassword(password, random.bytes(16));
      const at = clock.now();
      immediateTransaction(db, () => {
        repo.setPassword({ id, passwordHash, at });
        repo.endSessionsOfUser({ userId: id, at });
      })();
      audit.record({ actor, action: 'user.reset-password', targetType: 'user', targetId: id });
      return requireUser(id);
    },

    async login({ name, password }: { name: string; password: string }): Promise<{ sessionId: string; principal: StaffPrincipal }> {
      const user = repo.findUserByName(name);
      if (!user) {
        await dummyVerify(password);
        throw createLoginFailedError();
      }
      const ok = await verifyPassword(password, user.passwordHash);
      const now = clock.now();
      // Re-read after the slow hash: a parallel attempt may have locked the account meanwhile.
      const current = repo.getUser(user.id);
      if (!current || current.disabled || (current.lockedUntil !== null && current.lockedUntil > now)) {
        const locked = (current?.lockedUntil ?? 0) > now;
        audit.record({ actor: { id: user.id, name: user.name }, action: 'login.refused', targetType: 'user', targetId: user.id, details: { locked } });
        throw createLoginFailedError();
      }
      if (!ok) {
        const failures = repo.recordFailure(user.id);
        const locked = failures >= STAFF_SESSION_LIMITS.failuresBeforeLock;
        if (locked) {
          repo.lock({ id: user.id, until: now + STAFF_SESSION_LIMITS.lockMs });
          logger.warn({ staffUser: user.id }, 'staff account locked after repeated wrong passwords');
        }
        audit.record({ actor: { id: user.id, name: user.name }, action: 'login.failed', targetType: 'user', targetId: user.id, details: { failures, locked } });
        throw createLoginFailedError();
      }
      repo.clearFailures(user.id);
      const sessionId = random.bytes(32).toString('base64url');
      const csrfToken = random.bytes(32).toString('base64url');
      const idHash = hashSessionId(sessionId);
      repo.insertSession({ idHash, userId: user.id, csrfToken, at: now });
      audit.record({ actor: { id: user.id, name: user.name }, action: 'login', targetType: 'user', targetId: user.id });
      return { sessionId, principal: { user: { id: user.id, name: user.name, role: user.role }, csrfToken, sessionIdHash: idHash } };
    },

    /** The logged-in staff member of a cookie value, or undefined when missing, ended, idle or too old. Touches the session. */
    authenticate({ sessionId }: { sessionId: string | undefined }): StaffPrincipal | undefined {
      if (!sessionId || sessionId.length > 100) return undefined;
      const idHash = hashSessionId(sessionId);
      const session = repo.findSession(idHash);
      const now = clock.now();
      if (!session || session.endedAt !== null) return undefined;
      if (now - session.lastSeenAt > STAFF_SESSION_LIMITS.idleMs || now - session.createdAt > STAFF_SESSION_LIMITS.absoluteMs) {
        repo.endSession({ idHash, at: now });
        return undefined;
      }
      const user = repo.getUser(session.userId);
      if (!user || user.disabled) return undefined;
      repo.touchSession({ idHash, at: now });
      return { user: { id: user.id, name: user.name, role: user.role }, csrfToken: session.csrfToken, sessionIdHash: idHash };
    },

    logout({ principal }: { principal: StaffPrincipal }) {
      repo.endSession({ idHash: principal.sessionIdHash, at: clock.now() });
      audit.record({ actor: principal.user, action: 'logout', targetType: 'user', targetId: principal.user.id });
    },
  };
}

export type StaffAccounts = ReturnType<typeof createStaffAccounts>;
