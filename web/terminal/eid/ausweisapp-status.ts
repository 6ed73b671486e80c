// What the terminal page makes of AusweisApp's answers. Pure functions only: the socket code in
// check-ausweisapp.ts feeds them, the unit tests feed them recorded messages.
//
// AusweisApp's SDK interface (TR-03124 "eID-Kernel", https://www.ausweisapp.bund.de/sdk/) speaks
// JSON over a WebSocket on the terminal's loopback. Facts this relies on (Debian's ausweisapp2
// 1.26): answers come in the order of the commands; `READER` messages arrive unasked whenever a
// reader or card comes or goes (and a few right after connecting); in SDK mode a reader named
// "Simulator" is always listed, which is no device at all.

/** A reader as AusweisApp describes it in `READER` and `READER_LIST` messages. */
export type SdkReader = {
  name: string;
  /** Plugged in (a reader can be listed but detached, e.g. a paired phone out of reach). */
  attached: boolean;
  /** What lies on it: null for nothing; an object with values for an ID card (see hasIdCard). */
  card: Record<string, unknown> | null;
};

/**
 * What the status widget tells the citizen:
 * - `ready`: a real reader is attached, no card on it ("Kartenleser bereit")
 * - `cardInserted`: a real reader with an ID card on it ("Ausweis aufgelegt")
 * - `noReader`: AusweisApp runs but sees no real reader ("Kein Kartenleser gefunden")
 * - `notRunning`: nothing answers on AusweisApp's port ("AusweisApp nicht gestartet")
 * - `busy`: AusweisApp runs but serves someone else or a login is in progress ("… beschäftigt")
 */
export type EidStatus = 'ready' | 'cardInserted' | 'noReader' | 'notRunning' | 'busy';

/** AusweisApp's built-in test reader in SDK mode; never a device a citizen can use. */
export const SIMULATOR_READER_NAME = 'Simulator';

/** AusweisApp's standard SDK address on the terminal itself. */
export const DEFAULT_AUSWEISAPP_URL = 'ws://127.0.0.1:24727/eID-Kernel';

/**
 * How long to wait for a real reader after a first list without one: AusweisApp may answer
 * before its PC/SC scan has found the readers, then announces them with `READER` messages.
 */
export const READER_SETTLE_MS = 500;

/** Real readers only, attached ones only. */
export function realReaders(readers: readonly SdkReader[]): SdkReader[] {
  return readers.filter((reader) => reader.attached && reader.name !== SIMULATOR_READER_NAME);
}

/**
 * An ID card (eID function) lies on the reader. AusweisApp describes any other card (a bank card)
 * as a card object without values (`{}` or all fields null); that is no ID card.
 */
export function hasIdCard(reader: SdkReader): boolean {
  return reader.card !== null && Object.values(reader.card).some((value) => value !== null && value !== undefined);
}

/** The status for a reader list from a running, idle AusweisApp. */
export function classifyReaders(readers: readonly SdkReader[]): 'ready' | 'cardInserted' | 'noReader' {
  const real = realReaders(readers);
  if (real.some(hasIdCard)) return 'cardInserted';
  return real.length > 0 ? 'ready' : 'noReader';
}

/** Messages that only come while a workflow (a login, a PIN change) is running. */
const workflowMessages = new Set([
  'AUTH',
  'CHANGE_PIN',
  'ACCESS_RIGHTS',
  'CERTIFICATE',
  'INSERT_CARD',
  'ENTER_PIN',
  'ENTER_NEW_PIN',
  'ENTER_CAN',
  'ENTER_PUK',
  'PAUSE',
]);

/** What one connection has learned so far. */
export type Conversation = {
  /** Readers by name: the last list, updated by every `READER` message since. */
  readers: Record<string, SdkReader>;
  /** How many `READER_LIST` answers have arrived (we ask at most twice). */
  listAnswers: number;
  /** A workflow is running (from `STATUS` or a workflow message). */
  workflowRunning: boolean;
};

export const startConversation = (): Conversation => ({ readers: {}, listAnswers: 0, workflowRunning: false });

function toReader(value: unknown): SdkReader | null {
  if (typeof value !== 'object' || value === null) return null;
  const { name, attached, card } = value as Record<string, unknown>;
  if (typeof name !== 'string') return null;
  return {
    name,
    attached: attached === true,
    card: typeof card === 'object' && card !== null ? (card as Record<string, unknown>) : null,
  };
}

/** The conversation after one message (raw JSON text or parsed); unknown messages change nothing. */
export function receive(conversation: Conversation, message: unknown): Conversation {
  let parsed = message;
  if (typeof message === 'string') {
    try {
      parsed = JSON.parse(message);
    } catch {
      return conversation;
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return conversation;
  const fields = parsed as Record<string, unknown>;
  const kind = fields.msg;
  if (kind === 'READER_LIST') {
    const list = Array.isArray(fields.readers) ? fields.readers.map(toReader).filter((r): r is SdkReader => r !== null) : [];
    return { ...conversation, readers: Object.fromEntries(list.map((r) => [r.name, r])), listAnswers: conversation.listAnswers + 1 };
  }
  if (kind === 'READER') {
    const reader = toReader(fields);
    return reader ? { ...conversation, readers: { ...conversation.readers, [reader.name]: reader } } : conversation;
  }
  if (kind === 'STATUS') {
    const running = typeof fields.workflow === 'string' && fields.workflow !== '';
    return { ...conversation, workflowRunning: conversation.workflowRunning || running };
  }
  if (typeof kind === 'string' && workflowMessages.has(kind)) return { ...conversation, workflowRunning: true };
  return conversation;
}

/**
 * What to do next on an open connection:
 * - `wait`: for the reader list, or (within the settle time) for a real reader to show up
 * - `askAgain`: the settle time passed with no real reader; ask for the list once more
 * - `done`: the answer; the caller disconnects at once
 */
export type NextStep = { kind: 'wait' } | { kind: 'askAgain' } | { kind: 'done'; status: EidStatus };

export function nextStep(conversation: Conversation, { settled }: { settled: boolean }): NextStep {
  if (conversation.workflowRunning) return { kind: 'done', status: 'busy' };
  if (conversation.listAnswers === 0) return { kind: 'wait' };
  const status = classifyReaders(Object.values(conversation.readers));
  if (status !== 'noReader' || conversation.listAnswers >= 2) return { kind: 'done', status };
  return settled ? { kind: 'askAgain' } : { kind: 'wait' };
}

/** Pages served from these are on the same machine as the test's AusweisApp. */
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A WebSocket address on the terminal's own IPv4 loopback (the only one the pages'
 * Content-Security-Policy lets them reach), or null for anything else.
 */
export function loopbackSdkUrl(candidate: string | null | undefined): string | null {
  if (!candidate) return null;
  try {
    const url = new URL(candidate);
    return url.protocol === 'ws:' && url.hostname === '127.0.0.1' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Where to find AusweisApp: a configured loopback address if there is one; `?eidPort=` only when
 * the page itself is served from loopback (a browser test with AusweisApp on a free port: a link
 * to the real terminal page cannot redirect the check); else the standard port.
 */
export function resolveAusweisAppUrl({
  configured,
  pageHostname,
  pageSearch,
}: {
  configured?: string | null;
  pageHostname: string;
  pageSearch: string;
}): string {
  const fromConfig = loopbackSdkUrl(configured);
  if (fromConfig) return fromConfig;
  if (loopbackHosts.has(pageHostname)) {
    const port = new URLSearchParams(pageSearch).get('eidPort');
    if (port !== null && /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535) {
      return `ws://127.0.0.1:${Number(port)}/eID-Kernel`;
    }
  }
  return DEFAULT_AUSWEISAPP_URL;
}

/**
 * The plain-HTTP address on AusweisApp's port used to tell "busy" from "not started": browsers
 * hide why a WebSocket was refused (429/409 and "connection refused" look the same), but an
 * HTTP request reaches a running AusweisApp either way. `?Status` is the read-only status query
 * of its web service; it starts nothing.
 */
export function statusProbeUrlOf(sdkUrl: string): string {
  const url = new URL(sdkUrl);
  return `http://${url.host}/eID-Client?Status`;
}
