import { z } from 'zod';
import cron from 'node-cron';

/**
 * The one schema for Druckpunkt's configuration file. Every key is described with its default;
 * `npm run docs:config` turns these descriptions into the README's configuration table.
 * Later capabilities extend this schema rather than adding files of their own.
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'use lower-case letters, digits and dashes (max. 40)');

// An IPv4/IPv6 address or CIDR range (e.g. 10.20.0.0/24, ::1).
const addressOrCidr = z
  .string()
  .refine(isAddressOrCidr, 'must be an IPv4 or IPv6 address, optionally with /prefix');

export function isAddressOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || !address) return false;
  const v4 = z.ipv4().safeParse(address).success;
  const v6 = z.ipv6().safeParse(address).success;
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  return v4 ? bits <= 32 : bits <= 128;
}

const localized = z
  .partialRecord(z.enum(['de', 'en', 'uk', 'ru', 'ar', 'tr']), z.string().min(1))
  .refine((value) => typeof value.de === 'string', 'needs at least a German text (de)')
  .describe('Text per language (de, en, uk, ru, ar, tr); German is required, others fall back to German.');

export const TerminalConfig = z
  .object({
    id: id.describe('Stable id of the terminal, used in statistics (never an address).'),
    name: z.string().min(1).max(60).describe('Name shown to citizens and staff, e.g. "Terminal 1".'),
    addresses: z
      .array(addressOrCidr)
      .min(1)
      .describe('IP addresses or CIDR ranges that identify this terminal (IPv4 and IPv6).'),
    hostnames: z
      .array(z.string().min(1).max(63))
      .default([])
      .describe(
        'Computer names (as Windows sends them in requesting-user-name "HOST\\user"), used when the address does not match. Default: none.',
      ),
  })
  .strict();

export const FilePrinterConfig = z
  .object({
    id: id.describe('Printer id; the release station for it is /station?printer=<id>.'),
    name: z.string().min(1).max(60).describe('Name shown at the station and in the staff console.'),
    driver: z.literal('file').describe('Writes each released job as a PDF into `directory` (demo, tests).'),
    directory: z
      .string()
      .optional()
      .describe('Folder for the printed PDFs. Default: `<dataDir>/printed`.'),
    color: z.boolean().default(true).describe('Whether the printer prints in colour. Default: true.'),
    duplex: z.boolean().default(true).describe('Whether the printer prints on both sides. Default: true.'),
  })
  .strict();

export const IppPrinterConfig = z
  .object({
    id: id.describe('Printer id; the release station for it is /station?printer=<id>.'),
    name: z.string().min(1).max(60).describe('Name shown at the station and in the staff console.'),
    driver: z.literal('ipp').describe('A real network printer spoken to over IPP.'),
    uri: z
      .string()
      .regex(/^ipps?:\/\//, 'must start with ipp:// or ipps://')
      .describe('Printer URI, e.g. ipp://192.0.2.10/ipp/print.'),
    color: z.boolean().default(true).describe('Whether colour jobs may go to this printer. Default: true.'),
    duplex: z.boolean().default(true).describe('Whether duplex may be requested. Default: true.'),
    timeoutSeconds: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe('Timeout for one IPP request to the printer, in seconds. Default: 30.'),
  })
  .strict();

export const PrinterConfig = z.discriminatedUnion('driver', [FilePrinterConfig, IppPrinterConfig]);

export const DemoScannerConfig = z
  .object({
    id: id.describe('Scanner id.'),
    name: z.string().min(1).max(60).describe('Name shown at the station.'),
    driver: z.literal('demo').describe('Pages from the bundled fixtures, for `npm start`.'),
  })
  .strict();

export const SaneScannerConfig = z
  .object({
    id: id.describe('Scanner id.'),
    name: z.string().min(1).max(60).describe('Name shown at the station.'),
    driver: z.literal('sane').describe('A USB or network scanner through SANE `scanimage`.'),
    device: z
      .string()
      .min(1)
      .describe('SANE device name as `scanimage -L` lists it, e.g. `airscan:e0:Office MFP` or `test`.'),
    timeoutSeconds: z
      .number()
      .int()
      .positive()
      .default(120)
      .describe('Longest time one scan batch may take, in seconds. Default: 120.'),
    saneConfigDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Private SANE config folder written at start-up whose dll.conf loads only this device\'s backend (e.g. `test`, `airscan`); scanimage runs with SANE_CONFIG_DIR=<folder>:. Default: none (the system\'s /etc/sane.d).',
      ),
    extraArgs: z
      .array(z.string().min(1))
      .default([])
      .describe('Device-specific scanimage options added to every scan, e.g. `["--swcrop=yes"]`. Default: none.'),
  })
  .strict();

export const FolderScannerConfig = z
  .object({
    id: id.describe('Scanner id.'),
    name: z.string().min(1).max(60).describe('Name shown at the station.'),
    driver: z.literal('folder').describe('A hot folder that a multifunction printer scans into.'),
    directory: z.string().min(1).describe('Folder the device writes images or PDFs into.'),
    idleEndSeconds: z
      .number()
      .positive()
      .default(20)
      .describe('A scan ends when no new file arrived for this many seconds after the last one. Default: 20.'),
    firstPageTimeoutSeconds: z
      .number()
      .positive()
      .default(180)
      .describe('A scan with no file arriving within this many seconds ends with "no documents". Default: 180.'),
    staleAfterMinutes: z
      .number()
      .positive()
      .default(10)
      .describe('Files older than this many minutes when a scan starts are deleted unread (left by someone else). Default: 10.'),
    pdfDpi: z.number().int().min(72).max(600).default(200).describe('Resolution PDFs from the device are rendered at, in dpi. Default: 200.'),
  })
  .strict();

export const ScannerConfig = z.discriminatedUnion('driver', [
  DemoScannerConfig,
  SaneScannerConfig,
  FolderScannerConfig,
]);

export const QuotaConfig = z
  .object({
    pagesPerSession: z
      .number()
      .int()
      .min(0)
      .default(30)
      .describe('Free pages per terminal session. Default: 30.'),
    pagesPerTerminalPerDay: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe('Free pages per terminal and day. Default: 100.'),
    pagesPerSitePerDay: z
      .number()
      .int()
      .min(0)
      .default(500)
      .describe('Pages the whole site may print per day. Default: 500.'),
    colorFactor: z
      .number()
      .min(1)
      .max(10)
      .default(1)
      .describe('How many pages a colour page counts as. Default: 1.'),
    scansCounted: z.boolean().default(false).describe('Whether scanned pages count against the quota. Default: false.'),
  })
  .strict();

export const ReleaseConfig = z
  .object({
    stationIdleSeconds: z
      .number()
      .int()
      .min(15)
      .max(600)
      .default(60)
      .describe('A station logs the citizen out after this many seconds without input. Default: 60.'),
    failuresBeforeDelay: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Wrong codes at one station before each further try has to wait (growing delay). Default: 3.'),
    failuresBeforeLock: z
      .number()
      .int()
      .min(2)
      .default(10)
      .describe('Wrong codes at one station within the lock time that lock the station and alert staff. Default: 10.'),
    lockMinutes: z
      .number()
      .int()
      .min(1)
      .default(15)
      .describe('How long a station stays locked, and the window wrong codes are counted in, in minutes. Default: 15.'),
    siteFailuresPerHour: z
      .number()
      .int()
      .min(1)
      .default(12)
      .describe(
        'Wrong codes the whole site accepts per rolling hour; beyond it code entry pauses at every station (QR still works). Default: 12.',
      ),
  })
  .strict();

export const QuickLinkConfig = z
  .object({
    title: localized,
    description: localized.optional(),
    url: z.url().describe('Address the tile opens.'),
    icon: z.string().max(40).optional().describe('Icon name from the built-in set.'),
    group: z.string().max(40).optional().describe('Group heading key for ordering tiles.'),
  })
  .strict();

export const SiteConfig = z
  .object({
    id: id.describe('Site id, used in URLs (/ipp/print/<id>) and statistics.'),
    name: z.string().min(1).max(80).describe('Site name shown on every page, e.g. "Stadtteilbüro Lobeda".'),
    terminals: z.array(TerminalConfig).default([]).describe('The citizen terminals of this site.'),
    allowUnknownClients: z
      .boolean()
      .default(false)
      .describe('Accept print jobs from addresses that are no configured terminal. Default: false.'),
    printers: z.array(PrinterConfig).default([]).describe('Printers with a release station each.'),
    scanners: z.array(ScannerConfig).default([]).describe('Scanners usable from the station.'),
    holdHours: z
      .number()
      .positive()
      .max(72)
      .default(4)
      .describe('How long a held print job waits for release before it is deleted, in hours. Default: 4.'),
    quota: QuotaConfig.default(QuotaConfig.parse({})).describe('Free page quota of this site.'),
    release: ReleaseConfig.default(ReleaseConfig.parse({})).describe('Release station: idle logout and limits against guessing codes.'),
    quickLinks: z.array(QuickLinkConfig).default([]).describe('City service tiles on the terminal start page.'),
    autoRelease: z
      .boolean()
      .default(false)
      .describe(
        'Test mode: release every held job at once to the first printer (for IPP conformance suites). Default: false.',
      ),
  })
  .strict();

export const LimitsConfig = z
  .object({
    maxUploadBytes: z
      .number()
      .int()
      .positive()
      .default(50 * 1024 * 1024)
      .describe('Largest upload or IPP document, in bytes. Default: 52428800 (50 MB).'),
    maxPages: z.number().int().positive().default(300).describe('Most pages one document may have. Default: 300.'),
    maxImagePixels: z
      .number()
      .int()
      .positive()
      .default(100_000_000)
      .describe('Most pixels one image or raster page may have. Default: 100000000.'),
    processingTimeoutSeconds: z
      .number()
      .positive()
      .default(60)
      .describe('Longest time the conversion of one document may take, in seconds. Default: 60.'),
    processingMemoryMb: z
      .number()
      .int()
      .positive()
      .default(512)
      .describe('Memory cap of the worker that converts one document, in MB. Default: 512.'),
    inlineDocumentMaxBytes: z
      .number()
      .int()
      .min(0)
      .max(16 * 1024 * 1024)
      .default(256 * 1024)
      .describe(
        'Stored documents up to this size are kept encrypted inside the database, committed with their key, instead of as a file of their own (faster; at most 16 MiB, as each write in progress holds this much in memory); 0 stores every document as a file. Default: 262144 (256 KiB).',
      ),
  })
  .strict();

export const PurgeConfig = z
  .object({
    schedule: z
      .string()
      .default('*/5 * * * *')
      .refine((expression) => cron.validate(expression), 'must be a cron expression such as */5 * * * *')
      .describe('When the purge runs (cron syntax, local time of the server). Default: every 5 minutes.'),
    failedJobHours: z.number().positive().default(24).describe('Jobs that failed to print are kept this many hours for a retry. Default: 24.'),
    finishedJobMinutes: z
      .number()
      .positive()
      .default(60)
      .describe('Printed or canceled jobs (documents already deleted) keep their row this many minutes. Default: 60.'),
    stationSessionMinutes: z.number().positive().default(60).describe('Ended release-station logins are deleted after this many minutes. Default: 60.'),
    terminalSessionMinutes: z
      .number()
      .positive()
      .default(60)
      .describe('Ended terminal sessions (with their codes) are deleted after this many minutes once no job needs them. Default: 60.'),
    staffSessionHours: z.number().positive().default(24).describe('Ended or idle staff sessions are deleted after this many hours. Default: 24.'),
    codeFailureHours: z.number().positive().default(24).describe('Records of wrong codes are kept this many hours. Default: 24.'),
    auditDays: z.number().positive().default(365).describe('The staff audit log is kept this many days. Default: 365.'),
    scanHours: z.number().positive().default(2).describe('Finished scans are deleted this many hours after creation. Default: 2.'),
    scanAfterPickupMinutes: z
      .number()
      .positive()
      .default(30)
      .describe('A scan is deleted this many minutes after its first pickup. Default: 30.'),
  })
  .strict();

export const Config = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1').describe('Address to listen on (env DRUCKPUNKT_HOST). Default: 127.0.0.1.'),
        port: z
          .number()
          .int()
          .min(1)
          .max(65535)
          .default(8631)
          .describe('Port for the web pages and the IPP queues (env DRUCKPUNKT_PORT). Default: 8631.'),
        publicBaseUrl: z
          .url()
          .optional()
          .describe('Address citizens reach this server at, used in QR codes. Default: http://<host>:<port>.'),
        trustProxy: z.boolean().default(false).describe('Trust X-Forwarded-For from a reverse proxy. Default: false.'),
        logLevel: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Log level (env DRUCKPUNKT_LOG_LEVEL). Default: info.'),
        shutdownGraceSeconds: z
          .number()
          .positive()
          .default(10)
          .describe('How long shutdown waits for requests in flight, in seconds. Default: 10.'),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8631, trustProxy: false, logLevel: 'info', shutdownGraceSeconds: 10 }),
    dataDir: z
      .string()
      .default('./data')
      .describe('Folder for the database, encrypted documents and the master key (env DRUCKPUNKT_DATA_DIR). Default: ./data.'),
    masterKey: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64')
      .optional()
      .describe(
        'Base64 master key that wraps every document key (env DRUCKPUNKT_MASTER_KEY). Default: generated into <dataDir>/master.key (mode 0600).',
      ),
    minFreeDiskMb: z
      .number()
      .int()
      .min(0)
      .default(500)
      .describe('/healthz reports unhealthy below this much free disk in the data folder, in MB. Default: 500.'),
    limits: LimitsConfig.default(LimitsConfig.parse({})).describe('Limits against oversized or hostile input.'),
    timeZone: z
      .string()
      .default('Europe/Berlin')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Berlin')
      .describe('Time zone of the sites: days for quotas and statistics start at its midnight. Default: Europe/Berlin.'),
    purge: PurgeConfig.default(PurgeConfig.parse({})).describe('Retention: how long what a citizen left is kept before it is deleted with its key.'),
    dnsSd: z
      .boolean()
      .default(false)
      .describe('Advertise each site queue via DNS-SD (_ipp._tcp) on the local network. Default: false.'),
    sites: z.array(SiteConfig).min(1).describe('The sites (district offices) this server serves.'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const siteIds = new Set<string>();
    const printerIds = new Set<string>();
    const scannerIds = new Set<string>();
    config.sites.forEach((site, s) => {
      if (siteIds.has(site.id)) ctx.addIssue({ code: 'custom', path: ['sites', s, 'id'], message: `duplicate site id "${site.id}"` });
      siteIds.add(site.id);
      site.printers.forEach((printer, p) => {
        if (printerIds.has(printer.id))
          ctx.addIssue({ code: 'custom', path: ['sites', s, 'printers', p, 'id'], message: `duplicate printer id "${printer.id}"` });
        printerIds.add(printer.id);
      });
      site.scanners.forEach((scanner, p) => {
        if (scannerIds.has(scanner.id))
          ctx.addIssue({ code: 'custom', path: ['sites', s, 'scanners', p, 'id'], message: `duplicate scanner id "${scanner.id}"` });
        scannerIds.add(scanner.id);
      });
      const terminalIds = new Set<string>();
      site.terminals.forEach((terminal, t) => {
        if (terminalIds.has(terminal.id))
          ctx.addIssue({ code: 'custom', path: ['sites', s, 'terminals', t, 'id'], message: `duplicate terminal id "${terminal.id}"` });
        terminalIds.add(terminal.id);
      });
    });
  });

export type Config = z.infer<typeof Config>;
export type SiteConfig = z.infer<typeof SiteConfig>;
export type PrinterConfig = z.infer<typeof PrinterConfig>;
export type ScannerConfig = z.infer<typeof ScannerConfig>;
export type TerminalConfig = z.infer<typeof TerminalConfig>;
export type LimitsConfig = z.infer<typeof LimitsConfig>;
export type QuotaConfig = z.infer<typeof QuotaConfig>;
export type ReleaseConfig = z.infer<typeof ReleaseConfig>;
export type PurgeConfig = z.infer<typeof PurgeConfig>;
