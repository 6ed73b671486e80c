import { describe, expect, test } from 'vitest';
import type { ServiceConfig } from 'bonjour-service';
import { parseConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { advertiseQueues, ippTxtRecord, serviceNameOf, type DnsSdPublisher } from '../../src/spool/dnssd.ts';
import { buildPrinterAttributes, capabilitiesOf, printerUuidForSite } from '../../src/spool/ipp/printer-attributes.ts';

function configWith({ dnsSd = true, publicBaseUrl, host = '0.0.0.0', sites }: { dnsSd?: boolean; publicBaseUrl?: string; host?: string; sites?: unknown[] } = {}) {
  return parseConfig({
    raw: {
      dnsSd,
      server: { host, ...(publicBaseUrl ? { publicBaseUrl } : {}) },
      sites: sites ?? [
        {
          id: 'lobeda',
          name: 'Stadtteilbüro Lobeda',
          printers: [{ id: 'lobeda-drucker', name: 'Drucker', driver: 'ipp', uri: 'ipp://192.0.2.10/ipp/print' }],
        },
        {
          id: 'winzerla',
          name: 'Stadtteilbüro Winzerla',
          printers: [{ id: 'winzerla-drucker', name: 'Drucker', driver: 'file', color: false, duplex: false }],
        },
      ],
    },
  });
}

const config = configWith();
const lobeda = config.sites[0]!;
const winzerla = config.sites[1]!;

/** The printer attributes Get-Printer-Attributes answers for a site, as plain strings. */
function advertisedStrings(site: typeof lobeda, name: string): string[] {
  const attributes = buildPrinterAttributes({
    site,
    caps: capabilitiesOf(site),
    printerUri: 'ipp://host/ipp/print/x',
    moreInfoUri: 'http://host/',
    iconUri: 'http://host/icon.png',
    uuid: printerUuidForSite(site.id),
    status: { state: 'idle', reasons: [], message: '' },
    queuedJobCount: 0,
    now: new Date(),
    startedAt: new Date(),
  });
  return (attributes.find((a) => a.name === name)?.values ?? []).flatMap((v) => ('value' in v && typeof v.value === 'string' ? [v.value] : []));
}

function recordingPublisher() {
  const published: ServiceConfig[] = [];
  const calls: string[] = [];
  let onError: ((error: Error) => void) | undefined;
  const publisher: DnsSdPublisher = {
    publish: (service) => {
      published.push(service);
      return { name: service.name };
    },
    unpublishAll: (callback) => {
      calls.push('unpublishAll');
      callback?.();
    },
    destroy: (callback) => {
      calls.push('destroy');
      callback?.();
    },
  };
  return {
    published,
    calls,
    raise: (error: Error) => onError?.(error),
    create: (handler: (error: Error) => void) => {
      onError = handler;
      calls.push('create');
      return publisher;
    },
  };
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('the IPP TXT record of a site queue', () => {
  test('carries the Bonjour printing keys with the queue path, the site and the staff console', () => {
    const txt = ippTxtRecord({ site: lobeda, adminUrl: 'http://druckpunkt.local:8631/staff' });
    expect(txt).toMatchObject({
      txtvers: '1',
      qtotal: '1',
      rp: 'ipp/print/lobeda',
      note: 'Stadtteilbüro Lobeda',
      product: '(Druckpunkt)',
      adminurl: 'http://druckpunkt.local:8631/staff',
      kind: 'document',
      PaperMax: 'legal-A4',
      Copies: 'T',
    });
    expect(txt.UUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(`urn:uuid:${txt.UUID}`).toBe(printerUuidForSite('lobeda'));
    // Plain ipp:// only: a TLS key would send clients to ipps, which the queue does not offer.
    expect(Object.keys(txt)).not.toContain('TLS');
  });

  test('advertises exactly what Get-Printer-Attributes answers: model, formats and URF capabilities', () => {
    const txt = ippTxtRecord({ site: lobeda, adminUrl: 'http://h/staff' });
    expect(txt.ty).toBe(advertisedStrings(lobeda, 'printer-make-and-model')[0]);
    expect(txt.URF).toBe(advertisedStrings(lobeda, 'urf-supported').join(','));
    expect(txt.pdl!.split(',')).toEqual(advertisedStrings(lobeda, 'document-format-supported').filter((f) => f !== 'application/octet-stream'));
    expect(txt.pdl!.split(',')).toEqual(expect.arrayContaining(['application/pdf', 'image/jpeg', 'image/png', 'image/pwg-raster', 'image/urf']));
  });

  test('a site whose printer is monochrome and one-sided says so in Color, Duplex, URF and printer-type', () => {
    const colour = ippTxtRecord({ site: lobeda, adminUrl: 'http://h/staff' });
    const mono = ippTxtRecord({ site: winzerla, adminUrl: 'http://h/staff' });
    expect([colour.Color, colour.Duplex, mono.Color, mono.Duplex]).toEqual(['T', 'T', 'F', 'F']);
    expect(colour.URF!.split(',')).toContain('DM1');
    expect(mono.URF!.split(',')).not.toContain('DM1');
    const colourType = Number.parseInt(colour['printer-type']!, 16);
    const monoType = Number.parseInt(mono['printer-type']!, 16);
    // cups_ptype_t: 0x0008 colour, 0x0010 duplex; both print black and white (0x0004).
    expect([colourType & 0x8, colourType & 0x10, monoType & 0x8, monoType & 0x10]).toEqual([0x8, 0x10, 0, 0]);
    expect(monoType & 0x4).toBe(0x4);
  });

  test('a site name too long for one DNS label is cut without splitting a character', () => {
    const longName = `Stadtteilbüro ${'Ö'.repeat(66)}`;
    const site = configWith({ sites: [{ id: 'lang', name: longName }] }).sites[0]!;
    const txt = ippTxtRecord({ site, adminUrl: 'http://h/staff' });
    expect(txt.note).toBe(longName);
    const name = serviceNameOf(site);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(Buffer.byteLength(name)).toBeGreaterThan(60);
    expect(name).not.toContain('\uFFFD');
    expect(`Druckpunkt ${longName}`.startsWith(name)).toBe(true);
  });

  test('every TXT string fits in 255 bytes; a staff URL that does not fit is left out rather than cut', () => {
    const adminUrl = `https://druck.jena.example/${'a'.repeat(300)}/staff`;
    const txt = ippTxtRecord({ site: lobeda, adminUrl });
    for (const [key, value] of Object.entries(txt)) expect(Buffer.byteLength(`${key}=${value}`)).toBeLessThanOrEqual(255);
    expect(Object.keys(txt)).not.toContain('adminurl');
    expect(txt.rp).toBe('ipp/print/lobeda');
  });
});

describe('advertising the queues', () => {
  test('nothing is published, and no mDNS socket opened, when dnsSd is off', async () => {
    const recorder = recordingPublisher();
    const { logger } = capturingLogger();
    const ad = advertiseQueues({ config: configWith({ dnsSd: false }), port: 8631, logger, createPublisher: recorder.create });
    await ad.stop();
    expect(ad.services).toEqual([]);
    expect(recorder.calls).toEqual([]);
  });

  test('each site becomes one _ipp._tcp service with the _print and _universal subtypes on the server port', async () => {
    const recorder = recordingPublisher();
    const { logger } = capturingLogger();
    const ad = advertiseQueues({ config, port: 9631, logger, hostname: 'druckpunkt-lobeda', createPublisher: recorder.create });
    expect(recorder.published.map((s) => ({ name: s.name, type: s.type, protocol: s.protocol, port: s.port, host: s.host, subtypes: s.subtypes }))).toEqual([
      { name: 'Druckpunkt Stadtteilbüro Lobeda', type: 'ipp', protocol: 'tcp', port: 9631, host: 'druckpunkt-lobeda.local', subtypes: ['print', 'universal'] },
      { name: 'Druckpunkt Stadtteilbüro Winzerla', type: 'ipp', protocol: 'tcp', port: 9631, host: 'druckpunkt-lobeda.local', subtypes: ['print', 'universal'] },
    ]);
    expect(recorder.published.map((s) => (s.txt as Record<string, string>).rp)).toEqual(['ipp/print/lobeda', 'ipp/print/winzerla']);
    expect((recorder.published[0]!.txt as Record<string, string>).adminurl).toBe('http://druckpunkt-lobeda.local:9631/staff');
    await ad.stop();
    await ad.stop();
    expect(recorder.calls).toEqual(['create', 'unpublishAll', 'destroy']);
  });

  test('the staff console link uses the public base URL when one is configured', async () => {
    const recorder = recordingPublisher();
    const { logger } = capturingLogger();
    const ad = advertiseQueues({ config: configWith({ publicBaseUrl: 'https://druck.jena.example/' }), port: 8631, logger, createPublisher: recorder.create });
    expect((recorder.published[0]!.txt as Record<string, string>).adminurl).toBe('https://druck.jena.example/staff');
    await ad.stop();
  });

  test('advertising a server that listens on loopback only warns that terminals cannot reach it', async () => {
    const quiet = capturingLogger();
    await advertiseQueues({ config, port: 8631, logger: quiet.logger, createPublisher: recordingPublisher().create }).stop();
    const loud = capturingLogger();
    await advertiseQueues({ config: configWith({ host: '127.0.0.1' }), port: 8631, logger: loud.logger, createPublisher: recordingPublisher().create }).stop();
    expect(quiet.lines.filter((line) => line.level === 40)).toEqual([]);
    expect(loud.lines.find((line) => line.level === 40)?.msg).toMatch(/loopback only/);
  });

  test('an mDNS failure is logged as a warning instead of bringing the server down', async () => {
    const recorder = recordingPublisher();
    const { logger, lines } = capturingLogger();
    const ad = advertiseQueues({ config, port: 8631, logger, createPublisher: recorder.create });
    expect(() => recorder.raise(new Error('bind EADDRINUSE 0.0.0.0:5353'))).not.toThrow();
    const warning = lines.find((line) => line.level === 40);
    expect(warning?.msg).toMatch(/DNS-SD advertisement failed/);
    await ad.stop();
  });
});
