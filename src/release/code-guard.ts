import type { ReleaseConfig } from '../config/config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { ReleaseRepository } from './release.repository.ts';
import { createStationLockedError, createThrottledError } from './release.errors.ts';

const HOUR = 3_600_000;

/** Seconds a station waits before the next try after `failures` wrong codes in the window. */
export function delaySecondsAfter(failures: number, rules: ReleaseConfig): number {
  if (failures < rules.failuresBeforeDelay) return 0;
  return Math.min(60, 2 ** (failures - rules.failuresBeforeDelay));
}

/**
 * The most codes an attacker can try at one site within `holdHours`, given the limits: the
 * site-wide cap per rolling hour bounds it (any span of H hours holds at most ⌈H⌉ full hours),
 * and so does the per-station lock (failuresBeforeLock per lock period per station).
 */
export function maxGuessesWithin({ rules, holdHours, stations }: { rules: ReleaseConfig; holdHours: number; stations: number }): number {
  const siteBound = rules.siteFailuresPerHour * Math.ceil(holdHours);
  const periods = Math.ceil((holdHours * 60) / rules.lockMinutes) + 1;
  const stationBound = stations * rules.failuresBeforeLock * periods;
  return Math.min(siteBound, stationBound);
}

/** Probability that `guesses` uniformly random 6-digit guesses hit any of `liveCodes` codes. */
export function guessProbability({ guesses, liveCodes, codeSpace = 1_000_000 }: { guesses: number; liveCodes: number; codeSpace?: number }): number {
  return 1 - (1 - liveCodes / codeSpace) ** guesses;
}

/**
 * Limits against guessing release codes: a growing delay after a few wrong codes at a station,
 * a lock (with a staff alert) after many, and a site-wide cap per hour that pauses code entry at
 * every station. All counts live in the database, so a restart does not reset them.
 */
export function createCodeGuard({ repo, clock, logger, onStationLocked }: { repo: ReleaseRepository; clock: Clock; logger: Logger; onStationLocked?: (args: { siteId: string; printerId: string }) => void }) {
  return {
    /** Throws release.locked / release.throttled when this station may not try a code now. */
    assertMayTry({ siteId, printerId, rules }: { siteId: string; printerId: string; rules: ReleaseConfig }) {
      const now = clock.now();
      const lock = repo.getLock(printerId);
      if (lock && lock.locked_until > now) {
        throw createStationLockedError({ details: { retryAfterSeconds: Math.ceil((lock.locked_until - now) / 1000) } });
      }
      const site = repo.siteFailuresSince({ siteId, since: now - HOUR });
      if (site.n >= rules.siteFailuresPerHour) {
        throw createStationLockedError({ details: { retryAfterSeconds: Math.ceil(((site.oldest ?? now) + HOUR - now) / 1000) } });
      }
      const station = repo.stationFailuresSince({ printerId, since: now - rules.lockMinutes * 60_000 });
      const waitMs = delaySecondsAfter(station.n, rules) * 1000;
      if (waitMs > 0 && station.last !== null && now < station.last + waitMs) {
        throw createThrottledError({ details: { retryAfterSeconds: Math.ceil((station.last + waitMs - now) / 1000) } });
      }
    },

    recordFailure({ siteId, printerId, rules }: { siteId: string; printerId: string; rules: ReleaseConfig }) {
      const now = clock.now();
      repo.recordCodeFailure({ siteId, printerId, at: now });
      const station = repo.stationFailuresSince({ printerId, since: now - rules.lockMinutes * 60_000 });
      if (station.n >= rules.failuresBeforeLock) {
        repo.setLock({ printerId, lockedUntil: now + rules.lockMinutes * 60_000, alertedAt: now });
        logger.warn({ site: siteId, printer: printerId, failures: station.n }, 'station locked after too many wrong codes; staff alerted');
        onStationLocked?.({ siteId, printerId });
      }
    },
  };
}

export type CodeGuard = ReturnType<typeof createCodeGuard>;
