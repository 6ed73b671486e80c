/**
 * Reads and checks what a client asks of a new job: the operation attributes (document-format,
 * compression, ipp-attribute-fidelity, job-name) and the job template attributes in the job
 * group (RFC 8011 §4.2.1.2, §5.2). Values we cannot honour go to the unsupported-attributes
 * group; the job then prints with our value instead (successful-ok-ignored-or-substituted-
 * attributes), unless the client demanded fidelity (client-error-attributes-or-values-not-
 * supported). Nothing here touches the spool.
 */
import {
  getAttribute,
  getBoolean,
  getCollection,
  getInteger,
  getString,
  ipp,
  Status,
  type IppAttribute,
  type IppGroup,
  type IppValue,
} from './codec/index.ts';
import type { PrintOptions } from '../spool.models.ts';
import { ippError } from './ipp.errors.ts';
import {
  COMPRESSIONS,
  DEFAULT_MEDIA,
  DOCUMENT_FORMATS,
  JOB_HOLD_UNTIL,
  MAX_COPIES,
  MEDIA,
  MEDIA_SOURCE,
  MEDIA_TYPE,
  ORIENTATIONS,
  PRINT_QUALITIES,
  RESOLUTIONS,
  colorModesSupported,
  sidesSupported,
  type QueueCapabilities,
} from './printer-attributes.ts';

export type Compression = (typeof COMPRESSIONS)[number];

export type DocumentAttributes = {
  /** The declared format, undefined for application/octet-stream or none (the spool sniffs). */
  documentFormat: string | undefined;
  compression: Compression;
  documentName: string | undefined;
};

export type JobCreation = DocumentAttributes & {
  options: PrintOptions;
  jobName: string;
  /** Attributes that were ignored or substituted, for the unsupported-attributes group. */
  unsupported: IppAttribute[];
};

/**
 * document-format and compression of Print-Job, Send-Document and Validate-Job. A format or
 * compression we do not take fails the whole request, whatever the fidelity (RFC 8011 §4.1.7).
 */
export function readDocumentAttributes(operation: IppGroup): DocumentAttributes {
  const format = getString(operation, 'document-format');
  if (format !== undefined && !(DOCUMENT_FORMATS as readonly string[]).includes(format.toLowerCase())) {
    throw ippError(Status.clientErrorDocumentFormatNotSupported, 'This document format is not supported.', [
      getAttribute(operation, 'document-format')!,
    ]);
  }
  const compression = getString(operation, 'compression') ?? 'none';
  if (!(COMPRESSIONS as readonly string[]).includes(compression)) {
    throw ippError(Status.clientErrorCompressionNotSupported, 'This compression is not supported.', [
      getAttribute(operation, 'compression')!,
    ]);
  }
  const lower = format?.toLowerCase();
  return {
    documentFormat: lower === undefined || lower === 'application/octet-stream' ? undefined : lower,
    compression: compression as Compression,
    documentName: getString(operation, 'document-name'),
  };
}

/** Attributes clients such as cupsd put in the job group that describe rather than ask; taken silently. */
const QUIETLY_IGNORED = new Set(['job-uuid', 'job-originating-host-name', 'job-name', 'document-name-supplied']);

type Check = (attribute: IppAttribute, options: PrintOptions) => boolean;

function single(attribute: IppAttribute): IppValue | undefined {
  return attribute.values.length === 1 ? attribute.values[0] : undefined;
}

function keywordOf(attribute: IppAttribute): string | undefined {
  const value = single(attribute);
  return value && (value.type === 'keyword' || value.type === 'name') ? value.value : undefined;
}

function enumOrIntegerOf(attribute: IppAttribute, type: 'enum' | 'integer'): number | undefined {
  const value = single(attribute);
  return value?.type === type ? value.value : undefined;
}

function mediaForSize(x: number, y: number): string | undefined {
  // Clients round differently (Letter is 21590 or 21600): allow a millimetre.
  return MEDIA.find((m) => Math.abs(m.x - x) <= 100 && Math.abs(m.y - y) <= 100)?.name;
}

function readMediaCol(members: IppAttribute[]): string | undefined | null {
  // null: a media-col we cannot print on; undefined: no size given (keep the default).
  let media: string | undefined;
  for (const member of members) {
    switch (member.name) {
      case 'media-size': {
        const size = getCollection(members, 'media-size');
        const x = getInteger(size, 'x-dimension');
        const y = getInteger(size, 'y-dimension');
        if (x === undefined || y === undefined) return null;
        const found = mediaForSize(x, y);
        if (!found) return null;
        media = media ?? found;
        break;
      }
      case 'media-size-name': {
        const name = keywordOf(member);
        if (!name || !MEDIA.some((m) => m.name === name)) return null;
        media = name;
        break;
      }
      case 'media-source': {
        const source = keywordOf(member);
        if (source !== MEDIA_SOURCE) return null;
        break;
      }
      case 'media-type': {
        const type = keywordOf(member);
        if (type !== MEDIA_TYPE && type !== 'auto') return null;
        break;
      }
      // Margins and keys are taken as given: pages are fitted inside our own margins anyway.
      case 'media-bottom-margin':
      case 'media-left-margin':
      case 'media-right-margin':
      case 'media-top-margin':
      case 'media-key':
        break;
      default:
        return null;
    }
  }
  return media;
}

// One set of checks for each kind of queue (colour or not, duplex or not), not a fresh set of
// closures for every job.
const checksByCaps = new Map<string, Record<string, Check>>();

function checksFor(caps: QueueCapabilities): Record<string, Check> {
  const key = `${caps.color}/${caps.duplex}`;
  let checks = checksByCaps.get(key);
  if (!checks) {
    checks = buildChecks({ color: caps.color, duplex: caps.duplex });
    checksByCaps.set(key, checks);
  }
  return checks;
}

function buildChecks(caps: QueueCapabilities): Record<string, Check> {
  const keywordIn = (allowed: readonly string[]) => (attribute: IppAttribute) => {
    const value = keywordOf(attribute);
    return value !== undefined && allowed.includes(value);
  };
  const enumIn = (allowed: readonly number[]) => (attribute: IppAttribute) => {
    const value = enumOrIntegerOf(attribute, 'enum');
    return value !== undefined && allowed.includes(value);
  };
  return {
    copies: (attribute, options) => {
      const copies = enumOrIntegerOf(attribute, 'integer');
      if (copies === undefined || copies < 1 || copies > MAX_COPIES) return false;
      options.copies = copies;
      return true;
    },
    sides: (attribute, options) => {
      const sides = keywordOf(attribute);
      if (!sides || !sidesSupported(caps).includes(sides)) return false;
      options.sides = sides as PrintOptions['sides'];
      return true;
    },
    'print-color-mode': (attribute, options) => {
      const mode = keywordOf(attribute);
      if (!mode || !colorModesSupported(caps).includes(mode)) return false;
      options.colorMode = mode === 'monochrome' || !caps.color ? 'monochrome' : 'color';
      return true;
    },
    media: (attribute, options) => {
      const media = keywordOf(attribute);
      if (!media || !MEDIA.some((m) => m.name === media)) return false;
      options.media = media;
      return true;
    },
    'media-col': (attribute, options) => {
      const value = single(attribute);
      if (value?.type !== 'collection') return false;
      const media = readMediaCol(value.members);
      if (media === null) return false;
      if (media !== undefined) options.media = media;
      return true;
    },
    'job-hold-until': keywordIn(JOB_HOLD_UNTIL),
    'print-quality': enumIn(PRINT_QUALITIES),
    'orientation-requested': enumIn(ORIENTATIONS),
    // finishings 'none' (3), possibly as a 1setOf of one.
    finishings: (attribute) => attribute.values.length > 0 && attribute.values.every((v) => v.type === 'enum' && v.value === 3),
    'number-up': (attribute) => enumOrIntegerOf(attribute, 'integer') === 1,
    'output-bin': keywordIn(['face-down', 'auto']),
    'multiple-document-handling': keywordIn(['separate-documents-uncollated-copies', 'separate-documents-collated-copies']),
    'print-content-optimize': keywordIn(['auto']),
    'print-rendering-intent': keywordIn(['auto']),
    'print-scaling': keywordIn(['auto']),
    'printer-resolution': (attribute) => {
      const value = single(attribute);
      return value?.type === 'resolution' && value.units === 3 && value.x === value.y && (RESOLUTIONS as readonly number[]).includes(value.x);
    },
  };
}

export const DEFAULT_OPTIONS: PrintOptions = { copies: 1, sides: 'one-sided', colorMode: 'color', media: DEFAULT_MEDIA };

/**
 * Reads a Print-Job / Create-Job / Validate-Job request.
 * @throws IppOperationError for an unsupported document-format or compression, and for any
 *   unsupported attribute when ipp-attribute-fidelity is true.
 */
export function readJobCreation({
  operation,
  jobGroup,
  caps,
}: {
  operation: IppGroup;
  jobGroup: IppGroup | undefined;
  caps: QueueCapabilities;
}): JobCreation {
  const document = readDocumentAttributes(operation);
  const options: PrintOptions = { ...DEFAULT_OPTIONS, colorMode: caps.color ? 'color' : 'monochrome' };
  const unsupported: IppAttribute[] = [];
  const checks = checksFor(caps);
  for (const attribute of jobGroup?.attributes ?? []) {
    if (QUIETLY_IGNORED.has(attribute.name)) continue;
    const check = checks[attribute.name];
    if (!check) {
      unsupported.push({ name: attribute.name, values: [ipp.unsupported()] });
      continue;
    }
    if (!check(attribute, options)) unsupported.push(attribute);
  }
  // media-col is the more precise of the two (PWG 5100.7 §6.3): it wins when both came.
  const mediaCol = getAttribute(jobGroup, 'media-col');
  if (mediaCol) checks['media-col']!(mediaCol, options);
  const fidelity = getBoolean(operation, 'ipp-attribute-fidelity') ?? false;
  if (fidelity && unsupported.length > 0) {
    throw ippError(
      Status.clientErrorAttributesOrValuesNotSupported,
      'Some requested job attributes are not supported.',
      unsupported,
    );
  }
  const jobName = getString(operation, 'job-name') ?? document.documentName ?? 'Untitled';
  return { ...document, options, jobName, unsupported };
}

/** successful-ok, or successful-ok-ignored-or-substituted-attributes when something was not taken. */
export function statusFor(unsupported: IppAttribute[]): number {
  return unsupported.length > 0 ? Status.successfulOkIgnoredOrSubstitutedAttributes : Status.successfulOk;
}
