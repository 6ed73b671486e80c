/**
 * The whole app listening on a loopback port with the IPP queues, for tests with real IPP peers.
 * When app.ts already registers the IPP endpoint, that wiring is used as it is; otherwise the
 * plugin is registered here on the app's own spool, as app.ts will.
 */
import { createTestApp, type TestAppOptions } from '../../helpers/test-app.ts';
import { ippRoutes } from '../../../src/spool/ipp/ipp.routes.ts';
import { demoConfig } from '../../../src/config/demo-config.ts';

export type IppTestServerOptions = TestAppOptions & {
  /** Release every held job at once to the site's printer (test mode), as the conformance suites need. */
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
  const { app, config, clock } = testApp;
  if (!app.hasRoute({ method: 'POST', url: '/ipp/print/:siteId' })) {
    await app.register(ippRoutes, { config, spool: app.spool, clock });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const port = address.port;
  return {
    ...testApp,
    port,
    printerUri: (siteId = 'lobeda') => `ipp://127.0.0.1:${port}/ipp/print/${siteId}`,
  };
}

export type IppTestServer = Awaited<ReturnType<typeof startIppTestServer>>;
