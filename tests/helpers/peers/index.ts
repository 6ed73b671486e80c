// Harnesses that start real peer programs for `*.int.test.ts` and `*.e2e.test.ts` files.
// See README.md beside this file.
export { startDbusSession, type DbusSession } from './dbus.ts';
export {
  startIppEvePrinter,
  createFailingPrintCommand,
  createSleepingPrintCommand,
  type IppEvePrinter,
  type IppEvePrinterOptions,
  type PrintCommand,
} from './ippeveprinter.ts';
export { startCupsd, type Cupsd, type CupsdOptions } from './cupsd.ts';
export {
  runIpptool,
  parseIpptoolPlist,
  CUPS_IPPTOOL_DIR,
  type IpptoolResult,
  type IpptoolTest,
  type RunIpptoolArgs,
} from './ipptool.ts';
export { launchChromium, checkA11y, CHROMIUM_PATH, WCAG_TAGS, type ChromiumPeer, type A11yResult } from './chromium.ts';
export { findFreePort, makeTempDir, requireCommand, runCommand } from './process.ts';
export { startAusweisApp, holdSdkConnection, sdkHandshakeStatus, type AusweisApp, type SdkConnection } from './ausweisapp.ts';
