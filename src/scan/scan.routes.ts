import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  CreateSessionBody,
  DocumentParams,
  DownloadQuery,
  FinishBody,
  FinishedView,
  MovePageBody,
  PageParams,
  PatchPageBody,
  PickupBody,
  PickupView,
  ScanBody,
  ScannerInfo,
  ScannerParams,
  SessionView,
  TokenParams,
} from './scan.schemas.ts';
import type { ScanService } from './scan.usecases.ts';

export const SCAN_COOKIE = 'dp_scan';

export type ScanRoutesOptions = { scan: ScanService };

/**
 * The scan API (register with prefix `/api/scan`). Station side: a session is bound to one
 * scanner by an HttpOnly, SameSite=Strict cookie on /api/scan. Pickup side: a code (with the
 * release code's guessing limits) or the QR's token opens the finished PDFs.
 */
export async function scanRoutes(fastify: FastifyInstance, { scan }: ScanRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const current = (request: FastifyRequest) => scan.requireSession({ cookie: request.cookies[SCAN_COOKIE] });
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get('/scanners/:scannerId', { schema: { params: ScannerParams, response: { 200: ScannerInfo } } }, async (request) =>
    scan.scannerInfo({ scannerId: request.params.scannerId }),
  );

  app.post('/sessions', { schema: { body: CreateSessionBody, response: { 201: SessionView } } }, async (request, reply) => {
    const { session, cookie } = await scan.startSession(request.body);
    reply.setCookie(SCAN_COOKIE, cookie, { path: '/api/scan', httpOnly: true, sameSite: 'strict' });
    return reply.status(201).send(scan.view(session.id));
  });

  app.get('/sessions/current', { schema: { response: { 200: SessionView } } }, async (request, reply) => {
    noStore(reply);
    return scan.view((await current(request)).id);
  });

  app.post('/sessions/current/scan', { schema: { body: ScanBody, response: { 202: SessionView } } }, async (request, reply) => {
    const view = await scan.startScan({ session: await current(request), source: request.body.source });
    return reply.status(202).send(view);
  });

  app.get('/sessions/current/pages/:pageId/preview.png', { schema: { params: PageParams } }, async (request, reply) => {
    const png = await scan.preview({ session: await current(request), pageId: request.params.pageId });
    noStore(reply);
    return reply.type('image/png').send(png);
  });

  app.patch('/sessions/current/pages/:pageId', { schema: { params: PageParams, body: PatchPageBody, response: { 200: SessionView } } }, async (request) =>
    scan.updatePage({ session: await current(request), pageId: request.params.pageId, ...request.body }),
  );

  app.post('/sessions/current/pages/:pageId/move', { schema: { params: PageParams, body: MovePageBody, response: { 200: SessionView } } }, async (request) =>
    scan.movePage({ session: await current(request), pageId: request.params.pageId, ...request.body }),
  );

  app.post(
    '/sessions/current/pages/:pageId/rescan',
    { schema: { params: PageParams, body: ScanBody, response: { 202: SessionView } } },
    async (request, reply) => {
      const view = await scan.startScan({ session: await current(request), source: request.body.source, replacePageId: request.params.pageId });
      return reply.status(202).send(view);
    },
  );

  app.post('/sessions/current/next-document', { schema: { response: { 200: SessionView } } }, async (request) =>
    scan.nextDocument({ session: await current(request) }),
  );

  app.post('/sessions/current/finish', { schema: { body: FinishBody, response: { 200: FinishedView } } }, async (request) =>
    scan.finish({ session: await current(request), targetBytes: request.body.targetBytes }),
  );

  app.get('/sessions/current/legibility.png', async (request, reply) => {
    const png = await scan.legibility({ session: await current(request) });
    noStore(reply);
    return reply.type('image/png').send(png);
  });

  app.delete('/sessions/current', async (request, reply) => {
    await scan.cancel({ session: await current(request) });
    reply.clearCookie(SCAN_COOKIE, { path: '/api/scan' });
    return reply.status(204).send();
  });

  // Pickup: the address is only hashed into the guessing limits' key, never stored or logged.
  app.post('/pickup', { schema: { body: PickupBody, response: { 200: PickupView } } }, async (request, reply) => {
    noStore(reply);
    return scan.pickupByCode({ code: request.body.code, address: request.ip });
  });

  app.get('/pickup/:token', { schema: { params: TokenParams, response: { 200: PickupView } } }, async (request, reply) => {
    noStore(reply);
    return scan.pickupByToken({ token: request.params.token });
  });

  app.get('/pickup/:token/documents/:index.pdf', { schema: { params: DocumentParams, querystring: DownloadQuery } }, async (request, reply) => {
    const { stream, bytes } = scan.pickupDocument({ token: request.params.token, index: request.params.index });
    const disposition = request.query.download ? 'attachment' : 'inline';
    noStore(reply);
    return reply
      .type('application/pdf')
      .header('content-length', String(bytes))
      .header('content-disposition', `${disposition}; filename="Scan-${request.params.index + 1}.pdf"`)
      .send(stream);
  });
}
