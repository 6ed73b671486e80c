/**
 * DNS-SD (Bonjour / mDNS) advertisement of the site queues, so terminals find "Druckpunkt <site>"
 * in their printer dialogs as a driverless IPP Everywhere printer. Off unless `config.dnsSd`.
 *
 * The TXT record is derived from the very attributes Get-Printer-Attributes answers
 * (buildPrinterAttributes), so what a client sees before adding the printer and what it reads
 * afterwards cannot drift apart. Keys as the Bonjour Printing Specification 1.2.1 and
 * PWG 5100.14 (IPP Everywhere) §4.2 name them.
 */
import os from 'node:os';
import { Bonjour, type Service, type ServiceConfig } from 'bonjour-service';
import type { Config, SiteConfig } from '../config/config.ts';
import type { Logger } from '../shared/logger.ts';
import type { IppAttribute, IppValue } from './ipp/codec/index.ts';
import { buildPrinterAttributes, capabilitiesOf, MEDIA, printerNameOf, printerUuidForSite } from './ipp/printer-attributes.ts';

/** TXT keys and values of one queue, in the order they are published. */
export type IppTxtRecord = Record<string, string>;

/**
 * The subtypes the queue is advertised under: `_print` marks an IPP Everywhere printer
 * (PWG 5100.14 §4.2.1), `_universal` is what iOS/macOS (AirPrint) browse for.
 */
export const IPP_SUBTYPES = ['print', 'universal'] as const;

// CUPS' cups_ptype_t bits (cups/cups.h), for the `printer-type` key CUPS clients read.
const CUPS_PRINTER_BW = 0x0004;
const CUPS_PRINTER_COLOR = 0x0008;
const CUPS_PRINTER_DUPLEX = 0x0010;
const CUPS_PRINTER_COPIES = 0x0040;
const CUPS_PRINTER_SMALL = 0x1000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** A DNS TXT string holds at most 255 bytes, key and '=' included (RFC 6763 §6.1). */
const TXT_STRING_BYTES = 255;
/** A DNS label (the service instance name) holds at most 63 bytes (RFC 6763 §4.1.1). */
const LABEL_BYTES = 63;

/** The DNS-SD instance name of a site's queue: "Druckpunkt <site name>", cut to one DNS label. */
export function serviceNameOf(site: SiteConfig): string {
  return truncateUtf8(printerNameOf(site), LABEL_BYTES);
}

/**
 * The `_ipp._tcp` TXT record of a site's queue. `adminUrl` is the staff console (the `adminurl`
 * key; shown by CUPS' and macOS' printer dialogs as the printer's web page).
 */
export function ippTxtRecord({ site, adminUrl }: { site: SiteConfig; adminUrl: string }): IppTxtRecord {
  const caps = capabilitiesOf(site);
  const uuid = printerUuidForSite(site.id);
  // The URIs do not reach the TXT record; only capabilities and names do.
  const attributes = buildPrinterAttributes({
    site,
    caps,
    printerUri: `ipp://localhost/ipp/print/${site.id}`,
    moreInfoUri: adminUrl,
    iconUri: adminUrl,
    uuid,
    status: { state: 'idle', reasons: [], message: '' },
    queuedJobCount: 0,
    now: new Date(0),
    startedAt: new Date(0),
  });
  const strings = (name: string) => valuesOf(attributes, name).flatMap((v) => ('value' in v && typeof v.value === 'string' ? [v.value] : []));
  const flag = (on: boolean) => (on ? 'T' : 'F');

  const color = valuesOf(attributes, 'color-supported').some((v) => v.type === 'boolean' && v.value);
  const duplex = strings('sides-supported').some((s) => s.startsWith('two-sided'));
  // application/octet-stream means "sniff it", not a PDL a client could choose.
  const pdl = strings('document-format-supported').filter((f) => f !== 'application/octet-stream');
  const printerType = CUPS_PRINTER_BW | (color ? CUPS_PRINTER_COLOR : 0) | (duplex ? CUPS_PRINTER_DUPLEX : 0) | CUPS_PRINTER_COPIES | CUPS_PRINTER_SMALL;

  const record: IppTxtRecord = {
    txtvers: '1',
    qtotal: '1',
    rp: `ipp/print/${site.id}`,
    ty: strings('printer-make-and-model')[0] ?? 'Druckpunkt',
    adminurl: adminUrl,
    note: site.name,
    product: '(Druckpunkt)',
    pdl: pdl.join(','),
    Color: flag(color),
    Duplex: flag(duplex),
    Copies: 'T',
    PaperMax: paperMax(),
    URF: strings('urf-supported').join(','),
    UUID: uuid.replace(/^urn:uuid:/, ''),
    kind: strings('printer-kind').join(','),
    'printer-type': `0x${printerType.toString(16).toUpperCase()}`,
    // No TLS key: the queue is plain ipp:// (PWG 5100.14: TLS only when ipps is offered).
  };
  for (const [key, value] of Object.entries(record)) {
    const room = TXT_STRING_BYTES - Buffer.byteLength(key) - 1;
    if (Buffer.byteLength(value) <= room) continue;
    // A cut-off name still reads; a cut-off URL leads nowhere, so it is left out instead.
    if (key === 'adminurl') delete record[key];
    else record[key] = truncateUtf8(value, room);
  }
  return record;
}

/** Bonjour's PaperMax buckets, from the largest medium the queue takes. */
function paperMax(): string {
  // Hundredths of a millimetre: US legal is 355.6 mm long, tabloid 431.8 mm, ISO C 558.8 mm.
  const longest = Math.max(...MEDIA.map((m) => Math.max(m.x, m.y)));
  if (longest < 29_700) return '<legal-A4';
  if (longest <= 35_560) return 'legal-A4';
  if (longest <= 43_180) return 'tabloid-A3';
  if (longest <= 55_880) return 'isoC-A2';
  return '>isoC-A2';
}

function valuesOf(attributes: IppAttribute[], name: string): IppValue[] {
  return attributes.find((a) => a.name === name)?.values ?? [];
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

/** What advertiseQueues needs from bonjour-service; tests pass a recorder instead of the network. */
export type DnsSdPublisher = {
  publish: (service: ServiceConfig) => Pick<Service, 'name'>;
  unpublishAll: (callback?: () => void) => void;
  destroy: (callback?: () => void) => void;
};

export type DnsSdAdvertisement = {
  /** The service configurations published, one per site. */
  services: ServiceConfig[];
  /** Sends goodbye packets and closes the mDNS socket. */
  stop: () => Promise<void>;
};

/**
 * Publishes one `_ipp._tcp` service per site (subtypes `_print` and `_universal`) on `port`, the
 * port the web pages and IPP queues share. Does nothing when `config.dnsSd` is false.
 * mDNS failures (no multicast on the network, port 5353 taken) are logged, never fatal: the
 * queues still work by address.
 */
export function advertiseQueues({
  config,
  port,
  logger,
  hostname = os.hostname(),
  createPublisher = (onError) => new Bonjour({}, onError),
}: {
  config: Config;
  port: number;
  logger: Logger;
  /** The machine's name, advertised as `<hostname>.local`. */
  hostname?: string;
  createPublisher?: (onError: (error: Error) => void) => DnsSdPublisher;
}): DnsSdAdvertisement {
  if (!config.dnsSd) return { services: [], stop: async () => undefined };
  const host = hostname.endsWith('.local') ? hostname : `${hostname}.local`;
  const baseUrl = config.server.publicBaseUrl?.replace(/\/$/, '') ?? `http://${host}:${port}`;
  const publisher = createPublisher((error) => logger.warn({ err: error }, 'DNS-SD advertisement failed; the queues are still reachable by address'));
  const services = config.sites.map(
    (site): ServiceConfig => ({
      name: serviceNameOf(site),
      type: 'ipp',
      protocol: 'tcp',
      port,
      host,
      subtypes: [...IPP_SUBTYPES],
      txt: ippTxtRecord({ site, adminUrl: `${baseUrl}/staff` }),
    }),
  );
  if (LOOPBACK_HOSTS.has(config.server.host)) {
    // Advertised but unreachable: terminals would list a printer that never answers.
    logger.warn({ host: config.server.host }, 'DNS-SD is on but the server listens on loopback only; set server.host so terminals can reach the queues');
  }
  for (const service of services) {
    const published = publisher.publish(service);
    logger.info({ service: published.name, type: '_ipp._tcp', port }, 'advertising IPP queue via DNS-SD');
  }
  let stopped = false;
  return {
    services,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      // Goodbye packets are a courtesy: a network that swallows them must not hold up shutdown.
      await settleWithin(new Promise<void>((resolve) => publisher.unpublishAll(() => resolve())), 2_000);
      await settleWithin(new Promise<void>((resolve) => publisher.destroy(() => resolve())), 2_000);
    },
  };
}

async function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
