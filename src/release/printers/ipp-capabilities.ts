import { asList, type IppAttributes } from './ipp-client.ts';
import type { ColorMode, PrintOptions, Sides } from './printer-driver.ts';
import type { PwgRasterType } from './raster/pwg-raster.ts';
import type { RasterTarget } from './raster/raster-stream.ts';

/** What a printer says it can do, from Get-Printer-Attributes, reduced to what Druckpunkt uses. */
export type PrinterCapabilities = {
  documentFormats: string[];
  pwgResolutions: number[];
  pwgTypes: string[];
  urfSupported: string[];
  sides: string[];
  colorModes: string[];
  media: string[];
  /** Upper bound of copies-supported; undefined when the printer does not say. */
  maxCopies: number | undefined;
};

export const CAPABILITY_ATTRIBUTES = [
  'document-format-supported',
  'pwg-raster-document-resolution-supported',
  'pwg-raster-document-type-supported',
  'urf-supported',
  'sides-supported',
  'print-color-mode-supported',
  'media-supported',
  'copies-supported',
] as const;

/** The resolution the driver aims for: enough for text and forms, cheap to render and send. */
export const PREFERRED_DPI = 300;

function strings(value: unknown): string[] {
  return asList(value).filter((v): v is string => typeof v === 'string');
}

/** `ipp` decodes one resolution as `[x, y, 'dpi']` and several as an array of those. */
function resolutions(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  const list = typeof value[0] === 'number' ? [value] : value;
  const out: number[] = [];
  for (const entry of list) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'number' || typeof entry[1] !== 'number') continue;
    // Square resolutions only: the renderer draws square pixels.
    if (entry[0] !== entry[1]) continue;
    out.push(entry[2] === 'dpcm' ? Math.round(entry[0] * 2.54) : entry[0]);
  }
  return out;
}

export function parseCapabilities(attributes: IppAttributes): PrinterCapabilities {
  const copies = attributes['copies-supported'];
  const maxCopies = Array.isArray(copies) && typeof copies[1] === 'number' ? copies[1] : typeof copies === 'number' ? copies : undefined;
  return {
    documentFormats: strings(attributes['document-format-supported']).map((f) => f.toLowerCase()),
    pwgResolutions: resolutions(attributes['pwg-raster-document-resolution-supported']),
    pwgTypes: strings(attributes['pwg-raster-document-type-supported']),
    urfSupported: strings(attributes['urf-supported']),
    sides: strings(attributes['sides-supported']),
    colorModes: strings(attributes['print-color-mode-supported']),
    media: strings(attributes['media-supported']),
    maxCopies,
  };
}

/** URF resolutions: `RS300` or `RS300-600` (several values separated by `-`). */
export function urfResolutions(urfSupported: readonly string[]): number[] {
  const rs = urfSupported.find((v) => v.startsWith('RS'));
  if (!rs) return [];
  return rs
    .slice(2)
    .split('-')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** The supported resolution closest to 300 dpi (ties go to the higher one). */
export function pickResolution(supported: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const dpi of supported) {
    if (best === undefined) best = dpi;
    else {
      const d = Math.abs(dpi - PREFERRED_DPI);
      const bd = Math.abs(best - PREFERRED_DPI);
      if (d < bd || (d === bd && dpi > best)) best = dpi;
    }
  }
  return best;
}

export type DocumentTarget = { format: 'application/pdf' } | RasterTarget;

/**
 * PDF when the printer takes it (smallest, exact, the printer rasterises); else PWG raster; else
 * URF; else nothing (→ printer.format_unsupported). For raster the pixel type follows the colour
 * mode: colour wants srgb_8 / SRGB24, monochrome takes sgray_8 / W8 and 1-bit black as last resort.
 */
export function chooseDocumentTarget(caps: PrinterCapabilities, colorMode: ColorMode): DocumentTarget | undefined {
  if (caps.documentFormats.includes('application/pdf')) return { format: 'application/pdf' };
  if (caps.documentFormats.includes('image/pwg-raster')) {
    const dpi = pickResolution(caps.pwgResolutions);
    const order: PwgRasterType[] = colorMode === 'color' ? ['srgb_8', 'sgray_8', 'black_1'] : ['sgray_8', 'black_1', 'srgb_8'];
    const type = order.find((t) => caps.pwgTypes.includes(t));
    if (dpi !== undefined && type) return { format: 'image/pwg-raster', type, dpi };
  }
  if (caps.documentFormats.includes('image/urf')) {
    const dpi = pickResolution(urfResolutions(caps.urfSupported));
    const hasGray = caps.urfSupported.includes('W8');
    const hasRgb = caps.urfSupported.includes('SRGB24');
    const type = colorMode === 'color' ? (hasRgb ? 'SRGB24' : hasGray ? 'W8' : undefined) : hasGray ? 'W8' : hasRgb ? 'SRGB24' : undefined;
    if (dpi !== undefined && type) return { format: 'image/urf', type, dpi };
  }
  return undefined;
}

/**
 * Job attributes the printer will accept. A printer that does not list a value answers
 * client-error-attributes-or-values-not-supported and refuses the whole job, so unsupported
 * values are replaced (sides → one-sided, colour → monochrome) or left out (media → the printer's
 * default) and named in `substituted`. An attribute the printer does not list at all is sent as
 * asked (printers without e.g. `sides-supported` ignore it).
 */
export function fitOptions(caps: PrinterCapabilities, options: PrintOptions): {
  sides: Sides | undefined;
  colorMode: ColorMode | undefined;
  media: string | undefined;
  substituted: Array<'sides' | 'colorMode' | 'media'>;
} {
  const substituted: Array<'sides' | 'colorMode' | 'media'> = [];
  let sides: Sides | undefined = options.sides;
  if (caps.sides.length > 0 && !caps.sides.includes(sides)) {
    substituted.push('sides');
    sides = caps.sides.includes('one-sided') ? 'one-sided' : undefined;
  }
  let colorMode: ColorMode | undefined = options.colorMode;
  if (caps.colorModes.length > 0 && !caps.colorModes.includes(colorMode)) {
    substituted.push('colorMode');
    colorMode = caps.colorModes.includes('monochrome') ? 'monochrome' : undefined;
  }
  let media: string | undefined = options.media;
  if (caps.media.length > 0 && !caps.media.includes(media)) {
    substituted.push('media');
    media = undefined;
  }
  return { sides, colorMode, media, substituted };
}
