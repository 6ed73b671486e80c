import os from 'node:os';
import sharp from 'sharp';
import { afterAll, expect, test } from 'vitest';
import { configureImageRuntime } from '../../src/shared/image-runtime.ts';

const before = sharp.concurrency();
afterAll(() => {
  sharp.concurrency(before);
});

test('libvips may use every core, at most four, whatever sharp chose for this libc', () => {
  sharp.concurrency(1);
  const { concurrency } = configureImageRuntime();
  expect(concurrency).toBe(Math.min(os.availableParallelism(), 4));
  expect(sharp.concurrency()).toBe(concurrency);
});
