/**
 * The printer side of a site's IPP queue: what Get-Printer-Attributes answers (the IPP Everywhere
 * set of PWG 5100.14 plus what RFC 8011 and PWG 5100.12 require), and the capabilities the
 * job template validation checks requests against. One table, so what we advertise and what we
 * accept cannot drift apart.
 */
import { createHash } from 'node:crypto';
import type { SiteConfig } from '../../config/config.ts';
import { ipp, Operation, Orientation, PrintQuality, PrinterState, type IppAttribute, type IppValue } from './codec/index.ts';

/** The media a queue takes: the formats normaliser fits pages to A4 or Letter. */
export const MEDIA = [
  { name: 'iso_a4_210x297mm', x: 21000, y: 29700 },
  { name: 'na_letter_8.5x11in', x: 21590, y: 27940 },
] as const;
export const DEFAULT_MEDIA = 'iso_a4_210x297mm';
/** 5 mm, as the normaliser leaves around pictures; in hundredths of a millimetre. */
export const MEDIA_MARGIN = 500;
export const MEDIA_SOURCE = 'auto';
export const MEDIA_TYPE = 'stationery';

export const DOCUMENT_FORMATS = [
  'application/octet-stream',
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/pwg-raster',
  'image/urf',
] as const;
/** gzip is decompressed while streaming; the spool's size limit applies to the decompressed bytes. */
export const COMPRESSIONS = ['none', 'gzip'] as const;
export const MAX_COPIES = 99;
export const RESOLUTIONS = [300, 600] as const;
export const PRINT_QUALITIES = [PrintQuality.draft, PrintQuality.normal, PrintQuality.high];
export const ORIENTATIONS = [Orientation.portrait, Orientation.landscape, Orientation.reverseLandscape, Orientation.reversePortrait];
/**
 * Every job waits for its citizen at the release station. 'no-hold' (RFC 8011 requires it in the
 * supported list) is taken as "print as soon as the citizen releases it", which is the same thing.
 */
export const JOB_HOLD_UNTIL = ['no-hold', 'indefinite'] as const;
export const WHICH_JOBS = ['completed', 'not-completed', 'all'] as const;

export const SUPPORTED_OPERATIONS = [
  Operation.PrintJob,
  Operation.ValidateJob,
  Operation.CreateJob,
  Operation.SendDocument,
  Operation.CancelJob,
  Operation.GetJobAttributes,
  Operation.GetJobs,
  Operation.GetPrinterAttributes,
  Operation.CancelMyJobs,
  Operation.CloseJob,
  Operation.IdentifyPrinter,
];

/** Job template attributes a client may send (job-creation-attributes-supported). */
export const JOB_CREATION_ATTRIBUTES = [
  'copies',
  'finishings',
  'ipp-attribute-fidelity',
  'job-hold-until',
  'job-name',
  'media',
  'media-col',
  'multiple-document-handling',
  'number-up',
  'orientation-requested',
  'output-bin',
  'print-color-mode',
  'print-content-optimize',
  'print-quality',
  'print-rendering-intent',
  'print-scaling',
  'printer-resolution',
  'sides',
] as const;

/** What the queue can do, from the site's printers: colour or duplex if any printer can. */
export type QueueCapabilities = { color: boolean; duplex: boolean };

export function capabilitiesOf(site: SiteConfig): QueueCapabilities {
  // Without a configured printer (a fresh install) advertise the common case; release decides later.
  if (site.printers.length === 0) return { color: true, duplex: true };
  return { color: site.printers.some((p) => p.color), duplex: site.printers.some((p) => p.duplex) };
}

export function sidesSupported(caps: QueueCapabilities): string[] {
  return caps.duplex ? ['one-sided', 'two-sided-long-edge', 'two-sided-short-edge'] : ['one-sided'];
}

export function colorModesSupported(caps: QueueCapabilities): string[] {
  return caps.color ? ['auto', 'monochrome', 'color'] : ['auto', 'monochrome'];
}

/** Live state of the queue, from the release side (the printer behind it). */
export type PrinterStatus = {
  state: 'idle' | 'processing' | 'stopped';
  /** printer-state-reasons keywords; empty means "none". */
  reasons: string[];
  message: string;
};

export type PrinterContext = {
  site: SiteConfig;
  caps: QueueCapabilities;
  /** ipp://host:port/ipp/print/<site>, with the host the client used. */
  printerUri: string;
  /** The terminal page, where a citizen sees the release code. */
  moreInfoUri: string;
  iconUri: string;
  uuid: string;
  status: PrinterStatus;
  queuedJobCount: number;
  now: Date;
  /** When this queue came up (config loaded): printer-config-change-time and printer-state-change-time. */
  startedAt: Date;
};

/**
 * printer-uuid (RFC 4122 version 5, SHA-1 name-based) from the site id: stable across restarts
 * and reinstalls, so a client's queue keeps matching the printer.
 */
export function printerUuidForSite(siteId: string): string {
  return `urn:uuid:${uuidV5(`druckpunkt:print-queue:${siteId}`)}`;
}

/** job-uuid: the same scheme from the site and job id, stable for the life of the job. */
export function jobUuid(siteId: string, jobId: number): string {
  return `urn:uuid:${uuidV5(`druckpunkt:print-queue:${siteId}:job:${jobId}`)}`;
}

// RFC 4122 URL namespace.
const NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * IPP times are seconds; like CUPS we count them from the epoch, so times of jobs from before a
 * restart stay positive and ordered (an int32 holds them until 2038).
 */
export function ippSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export function printerNameOf(site: SiteConfig): string {
  return `Druckpunkt ${site.name}`;
}

function mediaSize(media: (typeof MEDIA)[number]): IppValue {
  return ipp.collection({ 'x-dimension': ipp.integer(media.x), 'y-dimension': ipp.integer(media.y) });
}

function mediaCol(media: (typeof MEDIA)[number], { withSourceAndType }: { withSourceAndType: boolean }): IppValue {
  return ipp.collection({
    'media-key': ipp.keyword(withSourceAndType ? `${media.name}_${MEDIA_SOURCE}_${MEDIA_TYPE}` : media.name),
    'media-size': mediaSize(media),
    'media-size-name': ipp.keyword(media.name),
    'media-bottom-margin': ipp.integer(MEDIA_MARGIN),
    'media-left-margin': ipp.integer(MEDIA_MARGIN),
    'media-right-margin': ipp.integer(MEDIA_MARGIN),
    'media-top-margin': ipp.integer(MEDIA_MARGIN),
    ...(withSourceAndType ? { 'media-source': ipp.keyword(MEDIA_SOURCE), 'media-type': ipp.keyword(MEDIA_TYPE) } : {}),
  });
}

const PRINTER_STATE_VALUE = { idle: PrinterState.idle, processing: PrinterState.processing, stopped: PrinterState.stopped } as const;

/** Every printer attribute the queue has, in a stable order (media-col-database included). */
export function buildPrinterAttributes(ctx: PrinterContext): IppAttribute[] {
  const { site, caps, status } = ctx;
  const defaultMedia = MEDIA[0];
  const name = printerNameOf(site);
  const record: Record<string, IppValue | IppValue[]> = {
    // RFC 8011 printer description
    'printer-uri-supported': ipp.uri(ctx.printerUri),
    'uri-security-supported': ipp.keyword('none'),
    // Clients are identified by their network address (the terminal), not by a login.
    'uri-authentication-supported': ipp.keyword('none'),
    'printer-name': ipp.name(name.slice(0, 127)),
    'printer-info': ipp.text(name.slice(0, 127)),
    'printer-location': ipp.text(site.name.slice(0, 127)),
    'printer-make-and-model': ipp.text('Druckpunkt Release Queue'),
    'printer-more-info': ipp.uri(ctx.moreInfoUri),
    'printer-dns-sd-name': ipp.name(name.slice(0, 63)),
    'printer-device-id': ipp.text('MFG:Druckpunkt;MDL:Release Queue;CMD:PDF,JPEG,PNG,PWGRaster,URF;'),
    'printer-uuid': ipp.uri(ctx.uuid),
    'printer-state': ipp.enum(PRINTER_STATE_VALUE[status.state]),
    'printer-state-reasons': status.reasons.length > 0 ? status.reasons.map((r) => ipp.keyword(r)) : ipp.keyword('none'),
    'printer-state-message': ipp.text(status.message),
    'printer-is-accepting-jobs': ipp.boolean(true),
    'queued-job-count': ipp.integer(ctx.queuedJobCount),
    'printer-up-time': ipp.integer(ippSeconds(ctx.now.getTime())),
    'printer-current-time': ipp.dateTime(ctx.now),
    'printer-config-change-time': ipp.integer(ippSeconds(ctx.startedAt.getTime())),
    'printer-config-change-date-time': ipp.dateTime(ctx.startedAt),
    'printer-state-change-time': ipp.integer(ippSeconds(ctx.startedAt.getTime())),
    'printer-state-change-date-time': ipp.dateTime(ctx.startedAt),
    'printer-geo-location': ipp.unknown(),
    'printer-organization': ipp.text(''),
    'printer-organizational-unit': ipp.text(site.name.slice(0, 127)),
    'printer-icons': ipp.uri(ctx.iconUri),
    'printer-kind': ipp.keyword('document'),
    // The queue cannot see the real printer's supplies: one entry whose level is "unknown" (-2, RFC 3805).
    'printer-supply': ipp.octetString(
      Buffer.from('index=1;class=supplyThatIsConsumed;type=toner;unit=percent;maxcapacity=100;level=-2;colorantname=black;'),
    ),
    'printer-supply-description': ipp.text('Toner (see the printer)'),
    'printer-supply-info-uri': ipp.uri(ctx.moreInfoUri),
    'ipp-versions-supported': [ipp.keyword('1.1'), ipp.keyword('2.0')],
    'ipp-features-supported': ipp.keyword('ipp-everywhere'),
    'operations-supported': SUPPORTED_OPERATIONS.map((op) => ipp.enum(op)),
    'charset-configured': ipp.charset('utf-8'),
    'charset-supported': [ipp.charset('utf-8'), ipp.charset('us-ascii')],
    'natural-language-configured': ipp.naturalLanguage('en'),
    'generated-natural-language-supported': ipp.naturalLanguage('en'),
    'document-format-default': ipp.mimeMediaType('application/octet-stream'),
    'document-format-supported': DOCUMENT_FORMATS.map((f) => ipp.mimeMediaType(f)),
    'printer-get-attributes-supported': ipp.keyword('document-format'),
    'pdl-override-supported': ipp.keyword('attempted'),
    'compression-supported': COMPRESSIONS.map((c) => ipp.keyword(c)),
    'color-supported': ipp.boolean(caps.color),
    'pages-per-minute': ipp.integer(20),
    ...(caps.color ? { 'pages-per-minute-color': ipp.integer(20) } : {}),
    'job-ids-supported': ipp.boolean(true),
    'which-jobs-supported': WHICH_JOBS.map((w) => ipp.keyword(w)),
    'multiple-document-jobs-supported': ipp.boolean(true),
    'multiple-operation-time-out': ipp.integer(300),
    'multiple-operation-time-out-action': ipp.keyword('abort-job'),
    'job-creation-attributes-supported': JOB_CREATION_ATTRIBUTES.map((a) => ipp.keyword(a)),
    'preferred-attributes-supported': ipp.boolean(false),
    'identify-actions-default': ipp.keyword('display'),
    'identify-actions-supported': ipp.keyword('display'),
    // Encrypted PDFs are refused (the release station cannot ask for a password).
    'document-password-supported': ipp.integer(0),
    'page-ranges-supported': ipp.boolean(false),
    'urf-supported': [
      'V1.4',
      'CP1',
      'W8',
      'SRGB24',
      'RS300-600',
      'IS1',
      'MT1',
      ...(caps.duplex ? ['DM1'] : []),
    ].map((k) => ipp.keyword(k)),
    'pwg-raster-document-resolution-supported': RESOLUTIONS.map((r) => ipp.resolution(r, r)),
    'pwg-raster-document-sheet-back': ipp.keyword('normal'),
    'pwg-raster-document-type-supported': ['black_1', 'sgray_8', 'srgb_8'].map((k) => ipp.keyword(k)),

    // Job template defaults and supported values
    'copies-default': ipp.integer(1),
    'copies-supported': ipp.rangeOfInteger(1, MAX_COPIES),
    'finishings-default': ipp.enum(3),
    'finishings-supported': ipp.enum(3),
    'job-hold-until-default': ipp.keyword('indefinite'),
    'job-hold-until-supported': JOB_HOLD_UNTIL.map((k) => ipp.keyword(k)),
    'media-default': ipp.keyword(defaultMedia.name),
    'media-supported': MEDIA.map((m) => ipp.keyword(m.name)),
    'media-ready': ipp.keyword(defaultMedia.name),
    'media-col-default': mediaCol(defaultMedia, { withSourceAndType: true }),
    'media-col-ready': mediaCol(defaultMedia, { withSourceAndType: true }),
    'media-col-supported': [
      'media-bottom-margin',
      'media-left-margin',
      'media-right-margin',
      'media-size',
      'media-size-name',
      'media-source',
      'media-top-margin',
      'media-type',
    ].map((k) => ipp.keyword(k)),
    'media-size-supported': MEDIA.map(mediaSize),
    'media-bottom-margin-supported': ipp.integer(MEDIA_MARGIN),
    'media-left-margin-supported': ipp.integer(MEDIA_MARGIN),
    'media-right-margin-supported': ipp.integer(MEDIA_MARGIN),
    'media-top-margin-supported': ipp.integer(MEDIA_MARGIN),
    'media-source-supported': ipp.keyword(MEDIA_SOURCE),
    'media-type-supported': ipp.keyword(MEDIA_TYPE),
    'multiple-document-handling-supported': [
      ipp.keyword('separate-documents-uncollated-copies'),
      ipp.keyword('separate-documents-collated-copies'),
    ],
    'number-up-default': ipp.integer(1),
    'number-up-supported': ipp.integer(1),
    'orientation-requested-default': ipp.enum(Orientation.portrait),
    'orientation-requested-supported': ORIENTATIONS.map((o) => ipp.enum(o)),
    'output-bin-default': ipp.keyword('face-down'),
    'output-bin-supported': ipp.keyword('face-down'),
    'print-color-mode-default': ipp.keyword(caps.color ? 'auto' : 'monochrome'),
    'print-color-mode-supported': colorModesSupported(caps).map((k) => ipp.keyword(k)),
    'print-content-optimize-default': ipp.keyword('auto'),
    'print-content-optimize-supported': ipp.keyword('auto'),
    'print-quality-default': ipp.enum(PrintQuality.normal),
    'print-quality-supported': PRINT_QUALITIES.map((q) => ipp.enum(q)),
    'print-rendering-intent-default': ipp.keyword('auto'),
    'print-rendering-intent-supported': ipp.keyword('auto'),
    'print-scaling-default': ipp.keyword('auto'),
    'print-scaling-supported': ipp.keyword('auto'),
    'printer-resolution-default': ipp.resolution(600, 600),
    'printer-resolution-supported': RESOLUTIONS.map((r) => ipp.resolution(r, r)),
    'sides-default': ipp.keyword('one-sided'),
    'sides-supported': sidesSupported(caps).map((k) => ipp.keyword(k)),
    // PWG 5100.7: only sent when asked for by name.
    'media-col-database': MEDIA.map((m) => mediaCol(m, { withSourceAndType: false })),
  };
  return Object.entries(record).map(([attrName, values]) => ({ name: attrName, values: Array.isArray(values) ? values : [values] }));
}

/** Attributes that only come when requested by name (PWG 5100.7 §6.8: media-col-database is big). */
const ONLY_BY_NAME = new Set(['media-col-database']);

const JOB_TEMPLATE_BASES = new Set([
  ...JOB_CREATION_ATTRIBUTES,
  'page-ranges',
  'job-priority',
  'job-sheets',
]);

/** RFC 8011 §4.2.5.1 group names: job template attributes are the -default/-supported/-ready ones. */
export function isJobTemplatePrinterAttribute(name: string): boolean {
  if (ONLY_BY_NAME.has(name)) return false;
  const match = /^(.*)-(default|supported|ready)$/.exec(name);
  if (!match) return false;
  const base = match[1]!;
  return JOB_TEMPLATE_BASES.has(base) || base.startsWith('media-') || base === 'media';
}

/**
 * The attributes a Get-Printer-Attributes request asked for: by name and by the group names
 * 'all', 'printer-description' and 'job-template'. Unknown names are ignored, as CUPS does.
 */
export function selectPrinterAttributes(all: IppAttribute[], requested: string[] | undefined): IppAttribute[] {
  const wanted = requested === undefined || requested.length === 0 ? ['all'] : requested;
  const set = new Set(wanted);
  return all.filter((attribute) => {
    if (set.has(attribute.name)) return true;
    if (ONLY_BY_NAME.has(attribute.name)) return false;
    if (set.has('all')) return true;
    const template = isJobTemplatePrinterAttribute(attribute.name);
    return template ? set.has('job-template') : set.has('printer-description');
  });
}
