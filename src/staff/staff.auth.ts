import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { StaffAccounts, StaffPrincipal } from './staff.usecases.ts';
import { createCsrfFailedError, createForbiddenError, createStaffNotLoggedInError } from './staff.errors.ts';

export const STAFF_COOKIE = 'dp_staff';

/** Who may call a route: anyone (login), any logged-in staff member, or admins only. */
export type Access = 'public' | 'staff' | 'admin';

const principals = new WeakMap<FastifyRequest, StaffPrincipal>();

/** The logged-in staff member of a request that passed `requireRole`. */
export function principalOf(request: FastifyRequest): StaffPrincipal {
  const principal = principals.get(request);
  if (!principal) throw createStaffNotLoggedInError();
  return principal;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Browser-supplied provenance: a cross-site form or fetch carries a foreign Origin or
 * Sec-Fetch-Site: cross-site. Absent headers (old browsers, curl) fall back to the token alone.
 */
export function assertSameOrigin(request: FastifyRequest) {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') throw createCsrfFailedError();
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    let sent: string;
    let own: string;
    try {
      sent = new URL(origin).host;
      // Through URL too, so a default port in the Host header ("host:80") compares equal.
      own = new URL(`${request.protocol}://${request.host}`).host;
    } catch {
      throw createCsrfFailedError();
    }
    if (sent !== own) throw createCsrfFailedError();
  }
}

/**
 * The declarative guard of every staff route: logs the session in from the cookie, enforces the
 * role (admin ⊃ staff) and, for state-changing methods, the session's CSRF token in
 * `x-csrf-token` plus the Origin / Sec-Fetch-Site check.
 */
export function requireRole(access: Access, accounts: StaffAccounts): onRequestHookHandler {
  return async (request) => {
    const unsafe = !SAFE_METHODS.has(request.method);
    if (access === 'public') {
      if (unsafe) assertSameOrigin(request);
      return;
    }
    const principal = accounts.authenticate({ sessionId: request.cookies[STAFF_COOKIE] });
    if (!principal) throw createStaffNotLoggedInError();
    if (unsafe) {
      const token = request.headers['x-csrf-token'];
      if (typeof token !== 'string' || !sameToken(token, principal.csrfToken)) throw createCsrfFailedError();
      assertSameOrigin(request);
    }
    if (access === 'admin' && principal.user.role !== 'admin') throw createForbiddenError();
    principals.set(request, principal);
  };
}
