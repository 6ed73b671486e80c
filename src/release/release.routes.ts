import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../shared/clock.ts';
import type { SpoolService } from '../spool/spool.usecases.ts';
import type { ReleaseService } from './release.usecases.ts';
import type { StationSession } from './release.repository.ts';
import { createJobNotFoundError } from '../spool/spool.errors.ts';
import { DeleteBody, LoginBody, PrintBody, PrintResult, PrinterParams, PrinterQuery, StationInfo, StationOverview } from './release.schemas.ts';

export const STATION_COOKIE = 'dp_station';

export type ReleaseRoutesOptions = { release: ReleaseService; spool: SpoolService; clock: Clock };

/**
 * The release station's API. A login sets an HttpOnly, SameSite=Strict cookie bound to the
 * station's printer; it expires after the configured idle time.
 */
export async function releaseRoutes(fastify: FastifyInstance, { release, spool, clock }: ReleaseRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  const session = (request: FastifyRequest, printerId: string) =>
    release.requireStationSession({ sessionId: request.cookies[STATION_COOKIE], printerId });

  function overviewOf(stationSession: StationSession) {
    const now = clock.now();
    const overview = release.overview({ session: stationSession });
    return {
      availablePages: overview.availablePages,
      idleSeconds: overview.idleSeconds,
      jobs: overview.jobs.map(({ job, impressions, cost, attempt }) => ({
        id: job.id,
        name: job.name,
        state: job.state,
        stateReason: job.stateReason,
        pages: job.pages,
        copies: job.copies,
        colorMode: job.colorMode,
        sides: job.sides,
        impressions,
        cost,
        expiresAt: new Date(job.expiresAt).toISOString(),
        secondsLeft: Math.max(0, Math.floor((job.expiresAt - now) / 1000)),
        progress: attempt ? { state: attempt.state, pagesCompleted: attempt.pagesCompleted, pagesTotal: attempt.pagesTotal, reason: attempt.reason } : null,
      })),
    };
  }

  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get('/printers/:printerId', { schema: { params: PrinterParams, response: { 200: StationInfo } } }, async (request, reply) => {
    const { site, printer } = release.stationOf(request.params.printerId);
    noStore(reply);
    return { printer: { id: printer.id, name: printer.name }, site: { id: site.id, name: site.name }, readiness: await release.readiness(printer.id) };
  });

  app.post('/login', { schema: { body: LoginBody, response: { 200: StationOverview } } }, async (request, reply) => {
    const body = request.body;
    const stationSession = release.login('code' in body ? { printerId: body.printerId, code: body.code } : { printerId: body.printerId, qrToken: body.qrToken });
    reply.setCookie(STATION_COOKIE, stationSession.id, { path: '/api/release', httpOnly: true, sameSite: 'strict' });
    noStore(reply);
    return overviewOf(stationSession);
  });

  app.get('/jobs', { schema: { querystring: PrinterQuery, response: { 200: StationOverview } } }, async (request, reply) => {
    noStore(reply);
    return overviewOf(session(request, request.query.printerId));
  });

  app.post('/print', { schema: { body: PrintBody, response: { 202: PrintResult } } }, async (request, reply) => {
    const result = await release.print({ session: session(request, request.body.printerId), jobIds: request.body.jobIds });
    return reply.status(202).send(result);
  });

  app.post('/delete', { schema: { body: DeleteBody } }, async (request) => {
    return release.deleteJobs({ session: session(request, request.body.printerId), jobIds: request.body.jobIds });
  });

  app.post('/logout', { schema: { body: PrinterQuery } }, async (request, reply) => {
    const id = request.cookies[STATION_COOKIE];
    if (id) release.logout({ sessionId: id });
    reply.clearCookie(STATION_COOKIE, { path: '/api/release' });
    return reply.status(204).send();
  });

  app.get(
    '/jobs/:id/pages/:page/preview.png',
    { schema: { params: z.object({ id: z.coerce.number().int().positive(), page: z.coerce.number().int().positive() }), querystring: PrinterQuery } },
    async (request, reply) => {
      const stationSession = session(request, request.query.printerId);
      const job = spool.getJob(request.params.id);
      if (!job || job.sessionId !== stationSession.terminalSessionId) throw createJobNotFoundError();
      const png = await spool.getPreview({ jobId: job.id, page: request.params.page });
      return reply.header('content-type', 'image/png').header('cache-control', 'private, no-store').send(png);
    },
  );
}
