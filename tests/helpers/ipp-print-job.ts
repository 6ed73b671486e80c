import { encodeIppMessage, GroupTag, ipp, Operation, type IppAttribute, type IppMessage } from '../../src/spool/ipp/codec/index.ts';

/**
 * The IPP/2.0 Print-Job header a driverless client sends before the document data (encoded with
 * Druckpunkt's codec); shared by the crash test and the spool benchmark, whose cupsd and
 * Druckpunkt get the very same request. `holdIndefinite` adds job-hold-until=indefinite.
 */
export function printJobHeader({
  printerUri,
  requestId,
  documentFormat = 'application/pdf',
  jobName,
  userName = 'bench',
  naturalLanguage = 'en',
  holdIndefinite = false,
}: {
  printerUri: string;
  requestId: number;
  documentFormat?: string;
  jobName?: string;
  userName?: string;
  naturalLanguage?: string;
  holdIndefinite?: boolean;
}): Buffer {
  const operation: IppAttribute[] = [
    { name: 'attributes-charset', values: [ipp.charset('utf-8')] },
    { name: 'attributes-natural-language', values: [ipp.naturalLanguage(naturalLanguage)] },
    { name: 'printer-uri', values: [ipp.uri(printerUri)] },
    { name: 'requesting-user-name', values: [ipp.name(userName)] },
    ...(jobName === undefined ? [] : [{ name: 'job-name', values: [ipp.name(jobName)] }]),
    { name: 'document-format', values: [ipp.mimeMediaType(documentFormat)] },
  ];
  const message: IppMessage = {
    version: { major: 2, minor: 0 },
    code: Operation.PrintJob,
    requestId,
    groups: [
      { tag: GroupTag.operation, attributes: operation },
      ...(holdIndefinite ? [{ tag: GroupTag.job, attributes: [{ name: 'job-hold-until', values: [ipp.keyword('indefinite')] }] }] : []),
    ],
  };
  return encodeIppMessage(message);
}
