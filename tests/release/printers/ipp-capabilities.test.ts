import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { chooseDocumentTarget, fitOptions, parseCapabilities, pickResolution, urfResolutions, type PrinterCapabilities } from '../../../src/release/printers/ipp-capabilities.ts';
import { decodeIppMessage, firstGroup } from '../../../src/release/printers/ipp-client.ts';
import { impressionsCompleted } from '../../../src/release/printers/ipp.printer-driver.ts';
import { contractOptions } from './printer-driver.contract.ts';

function captured(name: string): PrinterCapabilities {
  const bytes = readFileSync(new URL(`../../../fixtures/release/printers/${name}.get-printer-attributes.ipp`, import.meta.url));
  return parseCapabilities(firstGroup(decodeIppMessage(bytes)['printer-attributes-tag']));
}

describe('printer capabilities from a real ippeveprinter', () => {
  test('a raster-only printer is described with its resolutions, types, URF values and copy limit', () => {
    expect(captured('ippeveprinter-raster-only')).toEqual({
      documentFormats: ['application/octet-stream', 'image/pwg-raster', 'image/urf'],
      pwgResolutions: [300, 600],
      pwgTypes: ['black_1', 'sgray_8'],
      urfSupported: ['CP1', 'IS1-4-5-19', 'MT1-2-3-4-5-6', 'RS600', 'V1.4', 'W8'],
      sides: ['one-sided'],
      colorModes: ['monochrome'],
      media: ['na_letter_8.5x11in', 'na_legal_8.5x14in', 'iso_a4_210x297mm', 'na_number-10_4.125x9.5in', 'iso_dl_110x220mm'],
      maxCopies: 1,
    });
  });

  test('PDF is sent whenever the printer lists it', () => {
    expect(chooseDocumentTarget(captured('ippeveprinter-duplex-pdf'), 'color')).toEqual({ format: 'application/pdf' });
  });

  test('without PDF the printer gets PWG raster at 300 dpi in gray, even when colour was asked', () => {
    expect(chooseDocumentTarget(captured('ippeveprinter-raster-only'), 'color')).toEqual({ format: 'image/pwg-raster', type: 'sgray_8', dpi: 300 });
  });

  test('URF is the last resort, at the resolution the printer names', () => {
    const caps = { ...captured('ippeveprinter-raster-only'), documentFormats: ['image/urf'] };
    expect(chooseDocumentTarget(caps, 'monochrome')).toEqual({ format: 'image/urf', type: 'W8', dpi: 600 });
    expect(chooseDocumentTarget({ ...caps, urfSupported: ['RS300-600', 'SRGB24', 'W8'] }, 'color')).toEqual({ format: 'image/urf', type: 'SRGB24', dpi: 300 });
    expect(chooseDocumentTarget({ ...caps, documentFormats: ['image/jpeg'] }, 'color')).toBeUndefined();
  });

  test('a resolution close to 300 dpi is preferred, higher on a tie', () => {
    expect(pickResolution([600, 1200])).toBe(600);
    expect(pickResolution([150, 300, 600])).toBe(300);
    expect(pickResolution([200, 400])).toBe(400);
    expect(pickResolution([])).toBeUndefined();
    expect(urfResolutions(['V1.4', 'RS300-600-1200'])).toEqual([300, 600, 1200]);
  });

  test('options the printer does not list are replaced or left out and named', () => {
    const caps = captured('ippeveprinter-raster-only');
    expect(fitOptions(caps, contractOptions({ sides: 'two-sided-long-edge', colorMode: 'color', media: 'iso_a5_148x210mm' }))).toEqual({
      sides: 'one-sided',
      colorMode: 'monochrome',
      media: undefined,
      substituted: ['sides', 'colorMode', 'media'],
    });
    expect(fitOptions(captured('ippeveprinter-duplex-pdf'), contractOptions({ sides: 'two-sided-long-edge' }))).toMatchObject({
      sides: 'two-sided-long-edge',
      substituted: [],
    });
  });
});

describe('pages completed from job attributes', () => {
  const ref = { imp: 6, duplex: false };

  test('job-impressions-completed is used first and never exceeds what was asked', () => {
    expect(impressionsCompleted({ 'job-impressions-completed': 4 }, 'processing', ref)).toBe(4);
    expect(impressionsCompleted({ 'job-impressions-completed': 9 }, 'completed', ref)).toBe(6);
  });

  test('sheets count twice for a duplex job, pages are the last fallback', () => {
    expect(impressionsCompleted({ 'job-media-sheets-completed': 2 }, 'processing', { imp: 6, duplex: true })).toBe(4);
    expect(impressionsCompleted({ 'job-pages-completed': 5 }, 'aborted', ref)).toBe(5);
  });

  test('a completed job without counters counts as fully printed, an aborted one as nothing', () => {
    expect(impressionsCompleted({ 'job-impressions-completed': 0 }, 'completed', ref)).toBe(6);
    expect(impressionsCompleted({}, 'aborted', ref)).toBe(0);
  });
});
