import { describe, expect, test } from 'vitest';
import { PWG_HEADER_BYTES, pwgPageHeader } from '../../../../src/release/printers/raster/pwg-raster.ts';
import { URF_PAGE_HEADER_BYTES, urfFileHeader, urfPageHeader } from '../../../../src/release/printers/raster/urf.ts';

describe('PWG raster page header', () => {
  const header = pwgPageHeader({
    type: 'sgray_8',
    width: 2480,
    height: 3508,
    dpi: 300,
    pageSizePoints: [595.28, 841.89],
    sides: 'two-sided-short-edge',
    totalPageCount: 6,
    pageSizeName: 'iso_a4_210x297mm',
  });
  const u32 = (offset: number) => header.readUInt32BE(offset);
  const cstr = (offset: number) => header.toString('ascii', offset, header.indexOf(0, offset));

  test('is 1796 bytes with the fields at the offsets PWG 5102.4 gives', () => {
    expect(header.length).toBe(PWG_HEADER_BYTES);
    expect(cstr(0)).toBe('PwgRaster');
    expect([u32(272), u32(368)]).toEqual([1, 1]); // Duplex, Tumble
    expect([u32(276), u32(280)]).toEqual([300, 300]);
    expect([u32(352), u32(356)]).toEqual([595, 842]);
    expect([u32(372), u32(376)]).toEqual([2480, 3508]);
    expect([u32(384), u32(388), u32(392)]).toEqual([8, 8, 2480]);
    expect([u32(400), u32(420)]).toEqual([18, 1]); // sGray, one colour
    expect(u32(452)).toBe(6);
    expect(cstr(1732)).toBe('iso_a4_210x297mm');
  });

  test('describes 1-bit black and 24-bit sRGB lines with their byte widths', () => {
    const black = pwgPageHeader({ type: 'black_1', width: 2481, height: 10, dpi: 300, pageSizePoints: [1, 1], sides: 'one-sided', totalPageCount: 1, pageSizeName: 'x' });
    expect([black.readUInt32BE(384), black.readUInt32BE(388), black.readUInt32BE(392), black.readUInt32BE(400)]).toEqual([1, 1, 311, 3]);
    const rgb = pwgPageHeader({ type: 'srgb_8', width: 100, height: 10, dpi: 300, pageSizePoints: [1, 1], sides: 'one-sided', totalPageCount: 1, pageSizeName: 'x' });
    expect([rgb.readUInt32BE(388), rgb.readUInt32BE(392), rgb.readUInt32BE(400), rgb.readUInt32BE(420)]).toEqual([24, 300, 19, 3]);
  });
});

describe('URF headers', () => {
  test('the file starts with UNIRAST and the page count; a page header is 32 bytes', () => {
    const file = urfFileHeader(7);
    expect(file.subarray(0, 8).toString('latin1')).toBe('UNIRAST\0');
    expect(file.readUInt32BE(8)).toBe(7);
    const page = urfPageHeader({ type: 'SRGB24', width: 4961, height: 7016, dpi: 600, sides: 'two-sided-long-edge' });
    expect(page.length).toBe(URF_PAGE_HEADER_BYTES);
    expect([page[0], page[1], page[2]]).toEqual([24, 1, 3]);
    expect([page.readUInt32BE(12), page.readUInt32BE(16), page.readUInt32BE(20)]).toEqual([4961, 7016, 600]);
  });
});
