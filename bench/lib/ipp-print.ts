import http from 'node:http';
import { createReadStream } from 'node:fs';
import { decodeIppMessage, findGroup, getInteger, GroupTag, STATUS_KEYWORDS } from '../../src/spool/ipp/codec/index.ts';
import { printJobHeader } from '../../tests/helpers/ipp-print-job.ts';

/**
 * One IPP client for both servers: a Print-Job encoded with Druckpunkt's own codec, the PDF
 * streamed after it from disk, over a keep-alive agent. Identical requests for cupsd and
 * Druckpunkt, and no process spawn per job (ipptool would add ~10 ms of its own per job).
 */
export type PrintJobResult = { jobId: number; latencyMs: number; respondedAt: number };

export async function sendPrintJob({
  printerUri,
  file,
  fileSize,
  jobName,
  requestId,
  agent,
}: {
  printerUri: string;
  file: string;
  fileSize: number;
  jobName: string;
  requestId: number;
  agent: http.Agent;
}): Promise<PrintJobResult> {
  const url = new URL(printerUri.replace(/^ipp:/, 'http:'));
  const header = printJobHeader({ printerUri, jobName, requestId, holdIndefinite: true });
  const started = performance.now();
  const body = await new Promise<Buffer>((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/ipp', 'content-length': header.length + fileSize },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode} from ${url.host}${url.pathname}`));
          else resolve(Buffer.concat(chunks));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.write(header);
    const document = createReadStream(file);
    document.on('error', reject);
    document.pipe(request);
  });
  const respondedAt = performance.now();
  const { message } = decodeIppMessage(body);
  if (message.code >= 0x0100) {
    throw new Error(`Print-Job to ${url.pathname} answered ${STATUS_KEYWORDS[message.code] ?? message.code.toString(16)}`);
  }
  const jobGroup = findGroup(message, GroupTag.job);
  const jobId = jobGroup ? getInteger(jobGroup, 'job-id') : undefined;
  if (jobId === undefined) throw new Error(`Print-Job to ${url.pathname} answered without a job-id`);
  return { jobId, latencyMs: respondedAt - started, respondedAt };
}
