/**
 * Time is injected everywhere (`clock.now()`), so tests can move it to check expiry, purge and
 * quota resets without waiting. Production uses `createSystemClock()`.
 */
export type Clock = {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Current time as a Date. */
  date(): Date;
};

export function createSystemClock(): Clock {
  return { now: () => Date.now(), date: () => new Date() };
}

export type Duration = { ms?: number; seconds?: number; minutes?: number; hours?: number; days?: number };

export function durationToMs({ ms = 0, seconds = 0, minutes = 0, hours = 0, days = 0 }: Duration): number {
  return ms + seconds * 1000 + minutes * 60_000 + hours * 3_600_000 + days * 86_400_000;
}

export type TestClock = Clock & {
  advanceBy(duration: Duration): void;
  set(at: number | Date | string): void;
};

/** A clock that only moves when told to. Starts at 2026-01-05T08:00:00Z (a Monday) by default. */
export function createTestClock(start: number | Date | string = '2026-01-05T08:00:00Z'): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => current,
    date: () => new Date(current),
    advanceBy: (duration) => {
      current += durationToMs(duration);
    },
    set: (at) => {
      current = new Date(at).getTime();
    },
  };
}
