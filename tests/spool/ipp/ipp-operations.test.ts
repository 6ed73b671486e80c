/**
 * The IPP operations in-process (app.inject) on the real spool: who may do what, job states,
 * the unsupported-attributes group, document errors, multi-document jobs and privacy.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import {
  decodeIppMessage,
  encodeIppMessage,
  findGroup,
  findGroups,
  getInteger,
  getString,
  getStrings,
  GroupTag,
  ipp,
  Operation,
  Status,
  type IppAttribute,
  type IppMessage,
} from '../../../src/spool/ipp/codec/index.ts';
import { demoRawConfig, startIppTestServer, type IppTestServer } from './ipp-test-server.ts';
import { ippRequest } from './ipp-request.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures');
const PDF_3_PAGES = readFileSync(path.join(FIXTURES, 'pdf/gs-text-3-pages.pdf'));
const PDF_2_PAGES = readFileSync(path.join(FIXTURES, 'pdf/chromium-2-pages.pdf'));
const PDF_ENCRYPTED = readFileSync(path.join(FIXTURES, 'pdf/qpdf-user-password.pdf'));

let server: IppTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request = ippRequest;

const attr = (name: string, ...values: IppAttribute['values']): IppAttribute => ({ name, values });

async function send(message: IppMessage, { document, site = 'lobeda', remoteAddress }: { document?: Buffer; site?: string; remoteAddress?: string } = {}) {
  const payload = Buffer.concat([encodeIppMessage(message), document ?? Buffer.alloc(0)]);
  const response = await server!.app.inject({
    method: 'POST',
    url: `/ipp/print/${site}`,
    headers: { 'content-type': 'application/ipp', host: 'localhost:8631' },
    payload,
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('application/ipp');
  return decodeIppMessage(response.rawPayload).message;
}

function printJob({ job, operation = [] }: { job?: IppAttribute[]; operation?: IppAttribute[] } = {}) {
  return request(
    Operation.PrintJob,
    [attr('job-name', ipp.name('Bewerbung.pdf')), attr('document-format', ipp.mimeMediaType('application/pdf')), ...operation],
    job,
  );
}

describe('who may use the queue', () => {
  test('an unregistered computer may read the printer attributes but its print job is forbidden', async () => {
    server = await startIppTestServer({ rawConfig: demoRawConfig({ terminalAddresses: ['10.20.0.5'] }) });
    const attributes = await send(request(Operation.GetPrinterAttributes));
    expect(attributes.code).toBe(Status.successfulOk);
    expect(getString(findGroup(attributes, GroupTag.printer), 'printer-uuid')).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const refused = await send(printJob(), { document: PDF_3_PAGES });
    expect(refused.code).toBe(Status.clientErrorForbidden);
    expect(server.app.spool.listJobs({ siteId: 'lobeda', which: 'all' })).toHaveLength(0);
  });

  test('a site that allows unknown clients takes their job as a guest terminal', async () => {
    server = await startIppTestServer({ rawConfig: demoRawConfig({ terminalAddresses: ['10.20.0.5'], allowUnknownClients: true }) });
    const answer = await send(printJob(), { document: PDF_3_PAGES });
    expect(answer.code).toBe(Status.successfulOk);
    const [job] = server.app.spool.listJobs({ siteId: 'lobeda', which: 'all' });
    expect(job?.terminalId).toMatch(/^guest-/);
  });

  test('a queue that does not exist answers client-error-not-found in IPP', async () => {
    server = await startIppTestServer();
    const answer = await send(request(Operation.GetPrinterAttributes), { site: 'winzerla' });
    expect(answer.code).toBe(Status.clientErrorNotFound);
  });

  test('an operation the queue does not have gets operation-not-supported', async () => {
    server = await startIppTestServer();
    const answer = await send(request(Operation.PausePrinter));
    expect(answer.code).toBe(Status.serverErrorOperationNotSupported);
  });
});

describe('jobs', () => {
  test('a printed PDF is held for release as pending-held with job-hold-until-specified', async () => {
    server = await startIppTestServer();
    const answer = await send(printJob({ job: [attr('copies', ipp.integer(2)), attr('sides', ipp.keyword('two-sided-long-edge'))] }), { document: PDF_3_PAGES });
    expect(answer.code).toBe(Status.successfulOk);
    const jobGroup = findGroup(answer, GroupTag.job);
    expect(getInteger(jobGroup, 'job-state')).toBe(4);
    expect(getStrings(jobGroup, 'job-state-reasons')).toEqual(['job-hold-until-specified']);
    const job = server.app.spool.getJob(getInteger(jobGroup, 'job-id')!);
    expect(job).toMatchObject({ state: 'held', pages: 3, copies: 2, sides: 'two-sided-long-edge', name: 'Bewerbung.pdf' });
  });

  test('unsupported values are ignored and listed; with ipp-attribute-fidelity the job is refused', async () => {
    server = await startIppTestServer();
    const lenient = await send(printJob({ job: [attr('copies', ipp.integer(500)), attr('media', ipp.keyword('iso_a3_297x420mm'))] }), { document: PDF_3_PAGES });
    expect(lenient.code).toBe(Status.successfulOkIgnoredOrSubstitutedAttributes);
    const unsupported = findGroup(lenient, GroupTag.unsupported);
    expect(getInteger(unsupported, 'copies')).toBe(500);
    expect(getString(unsupported, 'media')).toBe('iso_a3_297x420mm');
    const job = server.app.spool.getJob(getInteger(findGroup(lenient, GroupTag.job), 'job-id')!);
    expect(job).toMatchObject({ copies: 1, media: 'iso_a4_210x297mm' });

    const strict = await send(printJob({ job: [attr('copies', ipp.integer(500))], operation: [attr('ipp-attribute-fidelity', ipp.boolean(true))] }), { document: PDF_3_PAGES });
    expect(strict.code).toBe(Status.clientErrorAttributesOrValuesNotSupported);
    expect(findGroup(strict, GroupTag.job)).toBeUndefined();
  });

  test('media-col with Letter dimensions selects Letter', async () => {
    server = await startIppTestServer();
    const mediaCol = ipp.collection({ 'media-size': ipp.collection({ 'x-dimension': ipp.integer(21590), 'y-dimension': ipp.integer(27940) }) });
    const answer = await send(printJob({ job: [attr('media-col', mediaCol)] }), { document: PDF_3_PAGES });
    expect(answer.code).toBe(Status.successfulOk);
    expect(server.app.spool.getJob(getInteger(findGroup(answer, GroupTag.job), 'job-id')!)?.media).toBe('na_letter_8.5x11in');
  });

  test('a format the queue does not take is refused with document-format-not-supported', async () => {
    server = await startIppTestServer();
    const message = request(Operation.PrintJob, [attr('document-format', ipp.mimeMediaType('application/postscript'))]);
    const answer = await send(message, { document: Buffer.from('%!PS\n') });
    expect(answer.code).toBe(Status.clientErrorDocumentFormatNotSupported);
    expect(getString(findGroup(answer, GroupTag.unsupported), 'document-format')).toBe('application/postscript');
  });

  test('a password-protected PDF gets document-password-error and leaves no job', async () => {
    server = await startIppTestServer();
    const answer = await send(printJob(), { document: PDF_ENCRYPTED });
    expect(answer.code).toBe(Status.clientErrorDocumentPasswordError);
    expect(server.app.spool.listJobs({ siteId: 'lobeda', which: 'all' })).toHaveLength(0);
  });

  test('a gzip-compressed document is inflated while it streams', async () => {
    server = await startIppTestServer();
    const answer = await send(printJob({ operation: [attr('compression', ipp.keyword('gzip'))] }), { document: gzipSync(PDF_3_PAGES) });
    expect(answer.code).toBe(Status.successfulOk);
    expect(server.app.spool.getJob(getInteger(findGroup(answer, GroupTag.job), 'job-id')!)?.pages).toBe(3);
  });

  test('Create-Job with two Send-Documents makes one held job of both documents', async () => {
    server = await startIppTestServer();
    const created = await send(request(Operation.CreateJob, [attr('job-name', ipp.name('Zwei Teile'))]));
    const jobId = getInteger(findGroup(created, GroupTag.job), 'job-id')!;
    expect(getStrings(findGroup(created, GroupTag.job), 'job-state-reasons')).toEqual(['job-incoming']);
    const first = await send(request(Operation.SendDocument, [attr('job-id', ipp.integer(jobId)), attr('last-document', ipp.boolean(false))]), { document: PDF_3_PAGES });
    expect(first.code).toBe(Status.successfulOk);
    const second = await send(request(Operation.SendDocument, [attr('job-id', ipp.integer(jobId)), attr('last-document', ipp.boolean(true))]), { document: PDF_2_PAGES });
    expect(second.code).toBe(Status.successfulOk);
    expect(getStrings(findGroup(second, GroupTag.job), 'job-state-reasons')).toEqual(['job-hold-until-specified']);
    const attributes = await send(request(Operation.GetJobAttributes, [attr('job-id', ipp.integer(jobId))]));
    const job = findGroup(attributes, GroupTag.job);
    expect(getInteger(job, 'number-of-documents')).toBe(2);
    expect(getInteger(job, 'job-impressions')).toBe(5);
    const late = await send(request(Operation.SendDocument, [attr('job-id', ipp.integer(jobId)), attr('last-document', ipp.boolean(true))]), { document: PDF_2_PAGES });
    expect(late.code).toBe(Status.clientErrorNotPossible);
  });

  test('another terminal sees the job in Get-Jobs without its name or owner and cannot cancel it', async () => {
    server = await startIppTestServer({ rawConfig: demoRawConfig({ allowUnknownClients: true }) });
    const printed = await send(printJob(), { document: PDF_3_PAGES });
    const jobId = getInteger(findGroup(printed, GroupTag.job), 'job-id')!;
    const own = await send(request(Operation.GetJobs, [attr('requested-attributes', ipp.keyword('all'))]));
    expect(getString(findGroup(own, GroupTag.job), 'job-name')).toBe('Bewerbung.pdf');
    const other = await send(request(Operation.GetJobs, [attr('requested-attributes', ipp.keyword('all'))]), { remoteAddress: '10.99.0.7' });
    const otherJobs = findGroups(other, GroupTag.job);
    expect(otherJobs).toHaveLength(1);
    expect(getInteger(otherJobs[0], 'job-id')).toBe(jobId);
    expect(getString(otherJobs[0], 'job-name')).toBeUndefined();
    expect(getString(otherJobs[0], 'job-originating-user-name')).toBeUndefined();
    const cancel = await send(request(Operation.CancelJob, [attr('job-id', ipp.integer(jobId))]), { remoteAddress: '10.99.0.7' });
    expect(cancel.code).toBe(Status.clientErrorNotAuthorized);
    const ownCancel = await send(request(Operation.CancelJob, [attr('job-id', ipp.integer(jobId))]));
    expect(ownCancel.code).toBe(Status.successfulOk);
    expect(server.app.spool.getJob(jobId)?.state).toBe('canceled');
  });

  test('IPP operations are counted by name and status', async () => {
    server = await startIppTestServer();
    await send(request(Operation.GetPrinterAttributes));
    await send(request(Operation.PausePrinter));
    const text = await server.app.metrics.registry.getSingleMetricAsString('druckpunkt_ipp_operations_total');
    expect(text).toContain('operation="Get-Printer-Attributes",status="successful-ok"} 1');
    expect(text).toContain('operation="Pause-Printer",status="server-error-operation-not-supported"} 1');
  });
});
