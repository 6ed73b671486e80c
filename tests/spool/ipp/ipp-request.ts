import { GroupTag, ipp, type IppAttribute, type IppMessage } from '../../../src/spool/ipp/codec/index.ts';

let nextId = 1;

/**
 * An IPP/2.0 request to the demo queue as a terminal's client sends it: charset, language,
 * printer-uri and requesting-user-name first, then `operation`, and a job group when given.
 */
export function ippRequest(code: number, operation: IppAttribute[] = [], job?: IppAttribute[]): IppMessage {
  return {
    version: { major: 2, minor: 0 },
    code,
    requestId: nextId++,
    groups: [
      {
        tag: GroupTag.operation,
        attributes: [
          { name: 'attributes-charset', values: [ipp.charset('utf-8')] },
          { name: 'attributes-natural-language', values: [ipp.naturalLanguage('en')] },
          { name: 'printer-uri', values: [ipp.uri('ipp://localhost/ipp/print/lobeda')] },
          { name: 'requesting-user-name', values: [ipp.name('citizen')] },
          ...operation,
        ],
      },
      ...(job ? [{ tag: GroupTag.job, attributes: job }] : []),
    ],
  };
}
