import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { createWebNotBuiltError } from './web.errors.ts';

/** Where `npm run build:web` writes the pages (the repository's `web/dist`). */
export const webDistDir = fileURLToPath(new URL('../../web/dist', import.meta.url));

export type WebRoutesOptions = {
  /** The Vite build output: `<page>/index.html` and `assets/`. */
  distDir: string;
};

/** The three pages and the addresses they answer at (with or without a trailing slash). */
export const webPages = [
  { page: 'terminal', urls: ['/', '/terminal', '/terminal/'] },
  { page: 'station', urls: ['/station', '/station/'] },
  { page: 'staff', urls: ['/staff', '/staff/'] },
] as const;

/**
 * The pages run only our own bundled script and stylesheet: no inline code, no third parties,
 * nothing may frame them (kiosk clickjacking), forms post only here. The one exception is the
 * AusweisApp on the terminal's loopback for eID login, whose status the terminal page shows.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  // AusweisApp's SDK on the terminal's own loopback: its standard port 24727 or a configured one,
  // and plain HTTP on that port only to tell "busy" from "not started" (browsers hide why a
  // WebSocket was refused). Loopback only: nothing leaves the terminal.
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function setPageHeaders(reply: FastifyReply) {
  reply
    .header('content-type', 'text/html; charset=utf-8')
    // HTML names the current hashed assets, so it must be revalidated on every visit.
    .header('cache-control', 'no-cache')
    .header('content-security-policy', contentSecurityPolicy)
    .header('x-content-type-options', 'nosniff')
    // Release codes travel in query strings (?code=…); no other site may see them.
    .header('referrer-policy', 'no-referrer');
}

async function isDirectory(dir: string) {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Serves the built web pages. The HTML is read on every request (a few hundred bytes) so a
 * rebuild while the server runs takes effect at once; a missing build answers 503 with a code
 * instead of a bare 404, so the reason is obvious.
 */
export const webRoutes: FastifyPluginAsync<WebRoutesOptions> = async (app, { distDir }) => {
  const root = path.resolve(distDir);
  if (!(await isDirectory(root))) app.log.warn('web pages are not built yet; the page addresses answer 503 until they are');

  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/assets/',
    // Asset names carry a content hash: a changed file gets a new name, so the old one never changes.
    maxAge: '365d',
    immutable: true,
    index: false,
    list: false,
    redirect: false,
    dotfiles: 'deny',
    suppressWarning: true,
    decorateReply: false,
    setHeaders: (reply) => {
      reply.header('x-content-type-options', 'nosniff');
    },
  });

  for (const { page, urls } of webPages) {
    const file = path.join(root, page, 'index.html');
    for (const url of urls) {
      app.get(url, { logLevel: 'warn' }, async (_request, reply) => {
        let html: Buffer;
        try {
          html = await readFile(file);
        } catch {
          const error = createWebNotBuiltError();
          return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message } });
        }
        setPageHeaders(reply);
        return reply.send(html);
      });
    }
  }
};
