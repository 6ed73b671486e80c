/**
 * The whole app listening on a loopback port with the IPP queues, for tests with real IPP peers.
 * When app.ts already registers the IPP endpoint, that wiring is used as it is; otherwise the
 * spool is composed here from its real parts (store, normaliser, previews) and the plugin
 * registered, so the endpoint can be tested before the composition root wires it.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createTestApp, type TestAppOptions } from '../../helpers/test-app.ts';
import { createDocumentStore } from '../../../src/shared/store/document-store.ts';
import { createNormalizerPool, normalizeDocument } from '../../../src/spool/formats/normalize.ts';
import { createPreviewPool, renderPreview } from '../../../src/spool/previews/previews.ts';
import { createSpoolRepository } from '../../../src/spool/spool.repository.ts';
import { createSpoolService } from '../../../src/spool/spool.usecases.ts';
import { createTerminalResolver } from '../../../src/spool/terminals.ts';
import { ippRoutes } from '../../../src/spool/ipp/ipp.routes.ts';
import { demoConfig } from '../../../src/config/demo-config.ts';
import type { Media } from '../../../src/spool/formats/formats.models.ts';

export type IppTestServerOptions = TestAppOptions & {
  /** Release every held job at once (completes it), as the conformance suites need. */
  autoRelease?: boolean;
};

/** The demo config (127.0.0.1 and ::1 are Terminal 1 of "lobeda") with test mode as asked. */
export function demoRawConfig({ autoRelease = false, allowUnknownClients = false, terminalAddresses }: { autoRelease?: boolean; allowUnknownClients?: boolean; terminalAddresses?: string[] } = {}) {
  const raw = structuredClone(demoConfig) as { sites: Array<Record<string, unknown> & { terminals: Array<Record<string, unknown>> }> };
  const site = raw.sites[0]!;
  site.autoRelease = autoRelease;
  site.allowUnknownClients = allowUnknownClients;
  if (terminalAddresses) site.terminals[0]!.addresses = terminalAddresses;
  return raw;
}

export async function startIppTestServer(options: IppTestServerOptions = {}) {
  const testApp = await createTestApp({ ...options, rawConfig: options.rawConfig ?? demoRawConfig({ autoRelease: options.autoRelease }) });
  const { app, db, config, clock, random } = testApp;
  const pools: Array<{ close(): Promise<void> }> = [];
  if (!app.hasRoute({ method: 'POST', url: '/ipp/print/:siteId' })) {
    const repo = createSpoolRepository({ db });
    const store = createDocumentStore({ db, dir: path.join(testApp.dataDir, 'documents'), masterKey: randomBytes(32), random, clock });
    const normalizerPool = createNormalizerPool();
    const previewPool = createPreviewPool();
    pools.push(normalizerPool, previewPool);
    const spool = createSpoolService({
      config,
      repo,
      store,
      clock,
      random,
      logger: app.log as never,
      resolver: createTerminalResolver({ config }),
      normalize: async ({ source, declaredFormat, media, limits }) => {
        const result = await normalizeDocument({ source, declaredFormat, media: media as Media | undefined, limits, pool: normalizerPool });
        return { pdf: result.pdf, pages: result.pages, sourceFormat: result.sourceFormat };
      },
      renderPreview: async ({ pdf, page, widthPx }) => (await renderPreview({ pdf, page, widthPx, pool: previewPool })).image,
      // Stands in for the release side until app.ts wires it: a released job completes at once.
      onJobHeld: (job) => {
        const site = config.sites.find((s) => s.id === job.siteId);
        if (site?.autoRelease) repo.setJobState({ id: job.id, state: 'completed', stateReason: 'job-completed-successfully', completedAt: clock.now() });
      },
    });
    await app.register(ippRoutes, { config, spool, clock });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const port = address.port;
  return {
    ...testApp,
    port,
    printerUri: (siteId = 'lobeda') => `ipp://127.0.0.1:${port}/ipp/print/${siteId}`,
    close: async () => {
      await testApp.close();
      for (const pool of pools) await pool.close();
    },
  };
}

export type IppTestServer = Awaited<ReturnType<typeof startIppTestServer>>;
