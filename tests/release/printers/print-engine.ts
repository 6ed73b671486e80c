import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, startIppEvePrinter, type IppEvePrinter, type IppEvePrinterOptions } from '../../helpers/peers/index.ts';

/**
 * The printer side for the printer-driver tests: a real ippeveprinter (shared harness in
 * tests/helpers/peers) whose print command (`-c`) plays the print engine. ippeveprinter reads the
 * command's stderr: `ATTR: job-impressions-completed=N` sets the job's counter, `STATE: +reason`
 * sets printer-state-reasons, a non-zero exit aborts the job.
 */

const execFileAsync = promisify(execFile);

/** Decodes the document with real tools (cups-filters for raster) and reports pages × copies. */
export const ENGINE_REPORTING_PAGES = `#!/bin/sh
set -u
case "$CONTENT_TYPE" in
  image/pwg-raster|image/urf)
    CONTENT_TYPE="$CONTENT_TYPE" /usr/lib/cups/filter/rastertopdf 1 druckpunkt job 1 "" "$1" > "$1.decoded" 2>/dev/null || exit 3
    doc="$1.decoded" ;;
  *) doc="$1" ;;
esac
pages=$(pdfinfo "$doc" 2>/dev/null | sed -n 's/^Pages: *//p')
[ -n "$pages" ] || exit 4
copies=\${IPP_COPIES:-1}
echo "ATTR: job-impressions=$((pages * copies))" >&2
echo "ATTR: job-impressions-completed=$((pages * copies))" >&2
exit 0
`;

export type PrinterUnderTest = IppEvePrinter & {
  /** Page counts of the received documents, job-id order (raster decoded by cups-filters). */
  receivedPages(): Promise<number[]>;
  /** File names (no directory) of the received documents, job-id order. */
  receivedNames(): Promise<string[]>;
};

/** Starts ippeveprinter with `script` (a shell script text) as its print command. */
export async function startPrinterUnderTest({
  script = ENGINE_REPORTING_PAGES,
  ...options
}: Omit<IppEvePrinterOptions, 'command'> & { script?: string }): Promise<PrinterUnderTest> {
  const temp = await makeTempDir('print-engine');
  const command = path.join(temp.dir, 'engine.sh');
  await writeFile(command, script);
  await chmod(command, 0o755);
  const printer = await startIppEvePrinter({ ...options, command });
  return {
    ...printer,
    receivedNames: async () => (await printer.receivedFiles()).map((file) => path.basename(file)).filter((name) => !name.endsWith('.decoded')),
    receivedPages: async () => {
      const counts: number[] = [];
      for (const file of await printer.receivedFiles()) {
        if (file.endsWith('.decoded')) continue;
        counts.push(await countPages(file));
      }
      return counts;
    },
    stop: async () => {
      await printer.stop();
      await temp.remove();
    },
  };
}

async function countPages(file: string): Promise<number> {
  let pdf = file;
  if (/\.(pwg|urf)$/.test(file)) {
    pdf = `${file}.check.pdf`;
    const contentType = file.endsWith('.pwg') ? 'image/pwg-raster' : 'image/urf';
    const { stdout } = await execFileAsync('/usr/lib/cups/filter/rastertopdf', ['1', 'druckpunkt', 'check', '1', '', file], {
      env: { ...process.env, CONTENT_TYPE: contentType },
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
    });
    await writeFile(pdf, stdout);
  }
  const { stdout } = await execFileAsync('pdfinfo', [pdf]);
  const match = /^Pages:\s+(\d+)/m.exec(stdout);
  if (!match) throw new Error('pdfinfo printed no page count');
  return Number(match[1]);
}
