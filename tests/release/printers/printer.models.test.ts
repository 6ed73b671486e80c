import { describe, expect, test } from 'vitest';
import { createSystemClock } from '../../../src/shared/clock.ts';
import { createPrinterUnreachableError } from '../../../src/release/printers/printer.errors.ts';
import type { FollowUpdate } from '../../../src/release/printers/printer-driver.ts';
import { classifyPrinterStateReasons, followByPolling, splitStateReason } from '../../../src/release/printers/printer.models.ts';

describe('printer state reasons', () => {
  test('severity suffixes are stripped and none is dropped', () => {
    expect(splitStateReason('media-empty-error')).toEqual({ base: 'media-empty', severity: 'error' });
    expect(splitStateReason('toner-low-report')).toEqual({ base: 'toner-low', severity: 'report' });
    expect(splitStateReason('media-jam')).toEqual({ base: 'media-jam', severity: null });
    expect(classifyPrinterStateReasons({ printerState: 'idle', stateReasons: ['none'] })).toEqual({
      ready: true,
      state: 'idle',
      reasons: [],
      blocking: [],
    });
  });

  test('paper, jam, door and toner problems block printing whatever severity the printer gives them', () => {
    for (const keyword of ['media-empty-report', 'media-jam-warning', 'door-open-error', 'cover-open', 'toner-empty-report', 'marker-supply-empty-warning', 'offline', 'paused', 'shutdown', 'spool-area-full-report']) {
      const readiness = classifyPrinterStateReasons({ printerState: 'idle', stateReasons: [keyword] });
      expect(readiness.ready, keyword).toBe(false);
      expect(readiness.blocking, keyword).toEqual([splitStateReason(keyword).base]);
    }
  });

  test('low supplies are reported but do not block, an unknown error-suffixed reason does', () => {
    const readiness = classifyPrinterStateReasons({
      printerState: 'idle',
      stateReasons: ['toner-low-report', 'media-low-warning', 'com.vendor-fuser-broken-error'],
    });
    expect(readiness.reasons).toEqual(['toner-low', 'media-low', 'com.vendor-fuser-broken']);
    expect(readiness.blocking).toEqual(['com.vendor-fuser-broken']);
    expect(readiness.ready).toBe(false);
  });

  test('a stopped printer or one that refuses jobs is never ready, even without a reason', () => {
    expect(classifyPrinterStateReasons({ printerState: 'stopped', stateReasons: ['none'] })).toMatchObject({
      ready: false,
      blocking: ['stopped'],
    });
    expect(classifyPrinterStateReasons({ printerState: 'idle', stateReasons: [], acceptingJobs: false })).toMatchObject({
      ready: false,
      blocking: ['not-accepting-jobs'],
    });
  });
});

describe('following by polling', () => {
  const update = (state: FollowUpdate['state'], pagesCompleted = 0): FollowUpdate => ({ state, pagesCompleted, reasons: [] });

  test('rides out a short unreachable spell and reports each change once', async () => {
    const answers: Array<FollowUpdate | 'down'> = [update('pending'), update('processing', 1), 'down', update('processing', 1), update('completed', 2)];
    const seen: FollowUpdate[] = [];
    const final = await followByPolling({
      ref: 'r',
      clock: createSystemClock(),
      options: { intervalMs: 1, unreachableToleranceMs: 10_000, onUpdate: (u) => seen.push(u) },
      status: async () => {
        const next = answers.shift();
        if (next === 'down' || next === undefined) throw createPrinterUnreachableError();
        return next;
      },
    });
    expect(final).toEqual(update('completed', 2));
    expect(seen.map((u) => `${u.state}:${u.pagesCompleted}`)).toEqual(['pending:0', 'processing:1', 'completed:2']);
  });

  test('gives up with printer.unreachable when the printer stays away longer than tolerated', async () => {
    let polls = 0;
    await expect(
      followByPolling({
        ref: 'r',
        clock: createSystemClock(),
        options: { intervalMs: 5, unreachableToleranceMs: 30 },
        status: async () => {
          polls++;
          throw createPrinterUnreachableError();
        },
      }),
    ).rejects.toMatchObject({ code: 'printer.unreachable' });
    expect(polls).toBeGreaterThan(1);
  });
});
