import type { Config, ScannerConfig } from '../config/config.ts';
import { createDemoScannerDriver } from './scanners/demo.scanner-driver.ts';
import { createFolderScannerDriver } from './scanners/folder.scanner-driver.ts';
import { prepareSaneConfigDir } from './scanners/sane-config.ts';
import { createSaneScannerDriver } from './scanners/sane.scanner-driver.ts';
import type { ScannerDriver } from './scanners/scanner-driver.ts';

/** A configured scanner with its driver and the site it stands at. */
export type ConfiguredScanner = { id: string; name: string; siteId: string; driver: ScannerDriver };

/** SANE device names start with their backend (`test`, `airscan:e0:…`, `fujitsu:fi-7160:…`). */
export function saneBackendOf(device: string): string {
  return device.split(':')[0] ?? device;
}

/** One scanner's driver from its configuration. Async because a private SANE config dir is written first. */
export async function createScannerDriver(scanner: ScannerConfig): Promise<ScannerDriver> {
  switch (scanner.driver) {
    case 'demo':
      return createDemoScannerDriver();
    case 'sane': {
      const env = scanner.saneConfigDir
        ? (await prepareSaneConfigDir({ directory: scanner.saneConfigDir, backends: [saneBackendOf(scanner.device)] })).env
        : {};
      return createSaneScannerDriver({ device: scanner.device, timeoutSeconds: scanner.timeoutSeconds, env, extraArgs: scanner.extraArgs });
    }
    case 'folder':
      return createFolderScannerDriver({
        directory: scanner.directory,
        idleEndMs: scanner.idleEndSeconds * 1000,
        firstPageTimeoutMs: scanner.firstPageTimeoutSeconds * 1000,
        staleAfterMs: scanner.staleAfterMinutes * 60_000,
        pdfDpi: scanner.pdfDpi,
      });
  }
}

/** Every configured scanner of every site, by scanner id (ids are unique across sites). */
export async function createScannerDrivers({ config }: { config: Pick<Config, 'sites'> }): Promise<Map<string, ConfiguredScanner>> {
  const scanners = new Map<string, ConfiguredScanner>();
  for (const site of config.sites) {
    for (const scanner of site.scanners) {
      scanners.set(scanner.id, { id: scanner.id, name: scanner.name, siteId: site.id, driver: await createScannerDriver(scanner) });
    }
  }
  return scanners;
}
