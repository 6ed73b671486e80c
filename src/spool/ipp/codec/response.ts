/**
 * Builds IPP responses the way RFC 8011 §4.1.4 wants them: the operation group comes first and
 * starts with attributes-charset and attributes-natural-language, in that order, then
 * status-message; then the unsupported-attributes group, then printer or job groups.
 */
import { encodeIppMessage } from './encode.ts';
import { attributesFrom, ipp, type IppAttribute, type IppGroup, type IppMessage, type IppValueInput, type IppVersion } from './model.ts';
import { GroupTag } from './tags.ts';

/** Attributes as a record in insertion order, or as a ready list (for repeated/ordered names). */
export type AttributesInput = Record<string, IppValueInput> | IppAttribute[];

export type BuildResponseArgs = {
  /** The request's version; RFC 8011 §4.1.8 has the response use the same one. */
  version: IppVersion;
  /** IPP status code (Status.successfulOk, ...). */
  status: number;
  /** Echo of the request's request-id. */
  requestId: number;
  /** attributes-natural-language; defaults to "en". */
  naturalLanguage?: string;
  /** Optional status-message (text). Never put document names or release codes here. */
  statusMessage?: string;
  /** Further operation attributes, after charset, language and status-message. */
  operation?: AttributesInput;
  /** Attributes the printer did not support, with their values or ipp.unsupported(). */
  unsupported?: AttributesInput;
  /** One printer group (Get-Printer-Attributes). */
  printer?: AttributesInput;
  /** One job group per entry (Print-Job answers one, Get-Jobs many). */
  jobs?: AttributesInput[];
};

/** The response as a message, for callers that want to inspect or extend it before encoding. */
export function buildResponseMessage({
  version,
  status,
  requestId,
  naturalLanguage = 'en',
  statusMessage,
  operation,
  unsupported,
  printer,
  jobs = [],
}: BuildResponseArgs): IppMessage {
  const operationAttributes: IppAttribute[] = [
    { name: 'attributes-charset', values: [ipp.charset('utf-8')] },
    { name: 'attributes-natural-language', values: [ipp.naturalLanguage(naturalLanguage)] },
    ...(statusMessage === undefined ? [] : [{ name: 'status-message', values: [ipp.text(statusMessage)] }]),
    ...toAttributes(operation),
  ];
  const groups: IppGroup[] = [{ tag: GroupTag.operation, attributes: operationAttributes }];
  const unsupportedAttributes = toAttributes(unsupported);
  if (unsupportedAttributes.length > 0) groups.push({ tag: GroupTag.unsupported, attributes: unsupportedAttributes });
  if (printer !== undefined) groups.push({ tag: GroupTag.printer, attributes: toAttributes(printer) });
  for (const job of jobs) groups.push({ tag: GroupTag.job, attributes: toAttributes(job) });
  return { version, code: status, requestId, groups };
}

/** The encoded response header; an IPP response normally has no data after it. */
export function buildResponse(args: BuildResponseArgs): Buffer {
  return encodeIppMessage(buildResponseMessage(args));
}

function toAttributes(input: AttributesInput | undefined): IppAttribute[] {
  if (input === undefined) return [];
  return Array.isArray(input) ? input : attributesFrom(input);
}
