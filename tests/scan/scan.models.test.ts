import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { demoConfig } from '../../src/config/demo-config.ts';
import { createScannerDrivers, saneBackendOf } from '../../src/scan/scan.drivers.ts';
import { pageSizeMm, pickupGuardKeys, pickupUrl, publicBaseUrlOf, scanSettingsFor, secretHash } from '../../src/scan/scan.models.ts';
import type { ScannerCapabilities } from '../../src/scan/scanners/scanner-driver.ts';

const caps = (over: Partial<ScannerCapabilities> = {}): ScannerCapabilities => ({
  sources: ['flatbed'],
  duplex: false,
  resolutions: [75, 150, 300, 600],
  modes: ['color', 'gray'],
  maxAreaMm: { width: 216, height: 297 },
  ...over,
});

describe('scan settings per preset', () => {
  test('documents are scanned in grey at the first offered resolution of at least 200 dpi, cards and photos at 300 dpi in colour', () => {
    expect(scanSettingsFor({ preset: 'document', capabilities: caps() })).toEqual({ resolution: 300, mode: 'gray' });
    expect(scanSettingsFor({ preset: 'document', capabilities: caps({ resolutions: [100, 200, 300] }) })).toEqual({ resolution: 200, mode: 'gray' });
    expect(scanSettingsFor({ preset: 'color-document', capabilities: caps({ resolutions: [100, 200] }) })).toEqual({ resolution: 200, mode: 'color' });
    expect(scanSettingsFor({ preset: 'id-card', capabilities: caps() })).toEqual({ resolution: 300, mode: 'color' });
  });

  test('a device without the wished mode or resolution gets its nearest offer', () => {
    expect(scanSettingsFor({ preset: 'document', capabilities: caps({ modes: ['color'], resolutions: [75, 150] }) })).toEqual({ resolution: 150, mode: 'color' });
    expect(scanSettingsFor({ preset: 'photo', capabilities: caps({ modes: ['gray'] }) })).toEqual({ resolution: 300, mode: 'gray' });
  });
});

describe('scan models', () => {
  test('page size in mm follows the rotation', () => {
    expect(pageSizeMm({ widthPx: 2100, heightPx: 2970, dpi: 254, rotation: 0 })).toEqual({ widthMm: 210, heightMm: 297 });
    expect(pageSizeMm({ widthPx: 2100, heightPx: 2970, dpi: 254, rotation: 270 })).toEqual({ widthMm: 297, heightMm: 210 });
  });

  test('the QR address is the public base URL with the pickup token, or the listening address', () => {
    expect(pickupUrl({ publicBaseUrl: 'https://druck.jena.de/', token: 'abc_-1' })).toBe('https://druck.jena.de/?pickup=abc_-1');
    expect(publicBaseUrlOf({ host: '10.0.0.5', port: 8631 })).toBe('http://10.0.0.5:8631');
    expect(publicBaseUrlOf({ host: '::1', port: 8631 })).toBe('http://[::1]:8631');
    expect(publicBaseUrlOf({ publicBaseUrl: 'https://x.example', host: '0.0.0.0', port: 1 })).toBe('https://x.example');
  });

  test('guard keys hash the client address and keep pickup apart from release codes', () => {
    const keys = pickupGuardKeys({ siteId: 'lobeda', address: '192.168.1.20' });
    expect(keys.siteId).toBe('pickup:lobeda');
    expect(keys.printerId).toMatch(/^pickup:[0-9a-f]{16}$/);
    expect(keys.printerId).not.toContain('192');
    expect(pickupGuardKeys({ siteId: 'lobeda', address: '192.168.1.21' }).printerId).not.toBe(keys.printerId);
    expect(secretHash('a')).not.toBe(secretHash('b'));
  });
});

describe('scanner drivers from the configuration', () => {
  test('each configured scanner gets its driver and site; a SANE scanner with saneConfigDir gets a private dll.conf for its backend', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'druckpunkt-scan-drivers-'));
    try {
      const raw = structuredClone(demoConfig) as { sites: Array<Record<string, unknown>> };
      raw.sites[0]!.scanners = [
        { id: 'demo', name: 'Demo', driver: 'demo' },
        { id: 'usb', name: 'USB', driver: 'sane', device: 'airscan:e0:Office MFP', saneConfigDir: path.join(dir, 'sane.d') },
        { id: 'hot', name: 'Hot folder', driver: 'folder', directory: path.join(dir, 'in') },
      ];
      const config = parseConfig({ raw, env: {} });
      const scanners = await createScannerDrivers({ config });
      expect([...scanners.values()].map((s) => [s.id, s.siteId, s.driver.kind])).toEqual([
        ['demo', 'lobeda', 'demo'],
        ['usb', 'lobeda', 'sane'],
        ['hot', 'lobeda', 'folder'],
      ]);
      expect(await readFile(path.join(dir, 'sane.d', 'dll.conf'), 'utf8')).toBe('airscan\n');
      expect(saneBackendOf('test')).toBe('test');
      // The folder scanner's defaults reach the config (README table).
      const folder = config.sites[0]!.scanners[2]!;
      expect(folder).toMatchObject({ idleEndSeconds: 20, firstPageTimeoutSeconds: 180, staleAfterMinutes: 10, pdfDpi: 200 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
