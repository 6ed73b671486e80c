import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer } from 'node:net';
import { createTestApp } from '../helpers/test-app.ts';
import { ApiError, apiFetch, describeError } from '../../web/shared/api.ts';
import { createTranslator } from '../../web/shared/i18n/i18n.ts';
import de from '../../web/shared/i18n/de.json' with { type: 'json' };
import en from '../../web/shared/i18n/en.json' with { type: 'json' };

let ctx: Awaited<ReturnType<typeof createTestApp>>;
let baseUrl: string;

beforeAll(async () => {
  ctx = await createTestApp();
  ctx.app.get('/api/test/locked', async (_request, reply) =>
    reply.status(423).send({ error: { code: 'release.locked', message: 'Locked.', details: { retryAfterSeconds: 60 } } }),
  );
  ctx.app.get('/api/test/plain-text-error', async (_request, reply) => reply.status(502).type('text/plain').send('bad gateway'));
  baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await ctx.close();
});

async function unusedPort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function caught(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('apiFetch against the real server', () => {
  test('returns the parsed answer of a successful call', async () => {
    const info = await apiFetch<{ site: { name: string } }>(`${baseUrl}/api/site-info`);
    expect(info.site.name).toBe(ctx.config.sites[0]!.name);
  });

  test('throws an ApiError with the server’s code, status and details', async () => {
    const error = await caught(apiFetch(`${baseUrl}/api/test/locked`));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'release.locked', status: 423, details: { retryAfterSeconds: 60 } });
  });

  test('an unknown address gives http.not_found', async () => {
    const error = await caught(apiFetch(`${baseUrl}/api/nothing-here`));
    expect(error).toMatchObject({ code: 'http.not_found', status: 404 });
  });

  test('an error answer that is not JSON still gets a code', async () => {
    const error = await caught(apiFetch(`${baseUrl}/api/test/plain-text-error`));
    expect(error).toMatchObject({ code: 'internal.error', status: 502 });
  });

  test('a server that cannot be reached gives network.unreachable', async () => {
    const error = await caught(apiFetch(`http://127.0.0.1:${await unusedPort()}/api/site-info`));
    expect(error).toMatchObject({ code: 'network.unreachable', status: 0 });
  });
});

describe('describeError', () => {
  const german = createTranslator({ language: 'de', catalog: de });
  const english = createTranslator({ language: 'en', catalog: en, fallback: de });

  test('a known code is explained in the chosen language', () => {
    const error = new ApiError({ code: 'spool.pdf_encrypted', status: 422, message: 'encrypted' });
    expect(describeError({ error, ...german })).toBe(de['error.spool.pdf_encrypted']);
    expect(describeError({ error, ...english })).toBe(en['error.spool.pdf_encrypted']);
  });

  test('an unknown code or a non-API error gets the general message', () => {
    const unknown = new ApiError({ code: 'spool.brand_new_case', status: 400, message: 'new' });
    expect(describeError({ error: unknown, ...german })).toBe(de['error.unknown']);
    expect(describeError({ error: new TypeError('x is undefined'), ...english })).toBe(en['error.unknown']);
  });
});
