import { describe, expect, test } from 'vitest';
import {
  classifyReaders,
  DEFAULT_AUSWEISAPP_URL,
  nextStep,
  receive,
  resolveAusweisAppUrl,
  startConversation,
  statusProbeUrlOf,
  type Conversation,
  type SdkReader,
} from '../../web/terminal/eid/ausweisapp-status.ts';

// Messages as Debian's AusweisApp2 1.26.2 sent them (`--ui websocket`, no reader attached), plus
// the shapes its SDK documentation gives for real readers and cards.
const simulatorReader = '{"attached":true,"card":null,"insertable":true,"keypad":true,"msg":"READER","name":"Simulator"}';
const status = '{"msg":"STATUS","progress":null,"state":null,"workflow":null}';
const onlySimulator = '{"msg":"READER_LIST","readers":[{"attached":true,"card":null,"insertable":true,"keypad":true,"name":"Simulator"}]}';
const emptyList = '{"msg":"READER_LIST","readers":[]}';
const realReaderNoCard = { msg: 'READER', name: 'REINER SCT cyberJack RFID basis', attached: true, insertable: false, keypad: false, card: null };
const realReaderWithCard = { ...realReaderNoCard, card: { inoperative: false, deactivated: false, retryCounter: 3 } };

const reader = (name: string, extra: Partial<SdkReader> = {}): SdkReader => ({ name, attached: true, card: null, ...extra });
const feed = (...messages: unknown[]): Conversation => messages.reduce<Conversation>((conversation, message) => receive(conversation, message), startConversation());

describe('classifying a reader list', () => {
  test('a list with only the Simulator means no card reader', () => {
    expect(classifyReaders([reader('Simulator')])).toBe('noReader');
  });

  test('a Simulator with a card still means no card reader', () => {
    expect(classifyReaders([reader('Simulator', { card: { retryCounter: 3 } })])).toBe('noReader');
  });

  test('an empty list means no card reader', () => {
    expect(classifyReaders([])).toBe('noReader');
  });

  test('a real attached reader without a card is ready', () => {
    expect(classifyReaders([reader('Simulator'), reader('cyberJack')])).toBe('ready');
  });

  test('a real reader with a card means the ID card is on the reader', () => {
    expect(classifyReaders([reader('Simulator'), reader('cyberJack', { card: { retryCounter: 3 } })])).toBe('cardInserted');
  });

  test('a card that is no ID card (AusweisApp gives it no values) leaves the reader ready', () => {
    expect(classifyReaders([reader('cyberJack', { card: {} })])).toBe('ready');
    expect(classifyReaders([reader('cyberJack', { card: { inoperative: null, deactivated: null, retryCounter: null } })])).toBe('ready');
  });

  test('an ID card with its online function switched off still lies on the reader', () => {
    expect(classifyReaders([reader('cyberJack', { card: { inoperative: false, deactivated: true, retryCounter: 3 } })])).toBe('cardInserted');
  });

  test('a card on any one of several real readers counts', () => {
    expect(classifyReaders([reader('A'), reader('B', { card: { retryCounter: 2 } }), reader('C')])).toBe('cardInserted');
  });

  test('a listed but detached reader (a paired phone out of reach) is no reader', () => {
    expect(classifyReaders([reader('Smartphone', { attached: false })])).toBe('noReader');
  });
});

describe('one conversation with AusweisApp', () => {
  test('nothing is decided before the reader list arrives', () => {
    expect(nextStep(feed(simulatorReader, status), { settled: false })).toEqual({ kind: 'wait' });
  });

  test('a real reader in the first list is the answer at once', () => {
    const conversation = feed(status, { msg: 'READER_LIST', readers: [realReaderNoCard] });
    expect(nextStep(conversation, { settled: false })).toEqual({ kind: 'done', status: 'ready' });
  });

  test('with only the Simulator listed it waits for the settle time, then asks once more', () => {
    const conversation = feed(simulatorReader, status, onlySimulator);
    expect(nextStep(conversation, { settled: false })).toEqual({ kind: 'wait' });
    expect(nextStep(conversation, { settled: true })).toEqual({ kind: 'askAgain' });
  });

  test('a real reader announced by a READER message after an empty list decides it', () => {
    const conversation = feed(status, emptyList, realReaderNoCard);
    expect(nextStep(conversation, { settled: false })).toEqual({ kind: 'done', status: 'ready' });
  });

  test('a card announced after the list turns ready into card on the reader', () => {
    const conversation = feed(status, { msg: 'READER_LIST', readers: [realReaderNoCard] }, realReaderWithCard);
    expect(nextStep(conversation, { settled: false })).toEqual({ kind: 'done', status: 'cardInserted' });
  });

  test('a reader unplugged after the list no longer counts', () => {
    const conversation = feed(status, { msg: 'READER_LIST', readers: [realReaderNoCard] }, { ...realReaderNoCard, attached: false });
    expect(nextStep(conversation, { settled: true })).toEqual({ kind: 'askAgain' });
  });

  test('a second list still without a real reader is the final answer', () => {
    const conversation = feed(status, emptyList, onlySimulator);
    expect(nextStep(conversation, { settled: false })).toEqual({ kind: 'done', status: 'noReader' });
  });

  test('a second list with a real reader is the final answer too', () => {
    const conversation = feed(status, emptyList, { msg: 'READER_LIST', readers: [realReaderWithCard] });
    expect(nextStep(conversation, { settled: true })).toEqual({ kind: 'done', status: 'cardInserted' });
  });

  test('a running workflow in STATUS means busy, whatever the readers', () => {
    const conversation = feed({ msg: 'STATUS', workflow: 'AUTH', progress: 40, state: 'StateEstablishPaceChannel' }, { msg: 'READER_LIST', readers: [realReaderNoCard] });
    expect(nextStep(conversation, { settled: false })).toEqual({ kind: 'done', status: 'busy' });
  });

  test('a workflow message such as ENTER_PIN means busy even before the list', () => {
    expect(nextStep(feed({ msg: 'ENTER_PIN', reader: realReaderWithCard }), { settled: false })).toEqual({ kind: 'done', status: 'busy' });
  });

  test('an older AusweisApp that does not know GET_STATUS is judged by its readers', () => {
    const conversation = feed({ msg: 'UNKNOWN_COMMAND', error: 'GET_STATUS' }, { msg: 'READER_LIST', readers: [realReaderNoCard] });
    expect(nextStep(conversation, { settled: false })).toEqual({ kind: 'done', status: 'ready' });
  });

  test('garbage and unknown messages change nothing', () => {
    const before = feed(status, onlySimulator);
    const after = [
      'not json',
      '42',
      'null',
      '{"msg":"INFO","VersionInfo":{"Name":"AusweisApp2"}}',
      { msg: 'READER', attached: true },
    ].reduce<Conversation>((conversation, message) => receive(conversation, message), before);
    expect(after).toEqual(before);
  });

  test('a reader list that is not a list counts as an answer with no readers', () => {
    const conversation = feed(status, { msg: 'READER_LIST', readers: 'many' });
    expect(conversation.listAnswers).toBe(1);
    expect(nextStep(conversation, { settled: true })).toEqual({ kind: 'askAgain' });
  });
});

describe('where the page looks for AusweisApp', () => {
  test('by default it is the standard SDK port on the terminal itself', () => {
    expect(resolveAusweisAppUrl({ pageHostname: 'druckpunkt.lobeda.example', pageSearch: '' })).toBe('ws://127.0.0.1:24727/eID-Kernel');
    expect(DEFAULT_AUSWEISAPP_URL).toBe('ws://127.0.0.1:24727/eID-Kernel');
  });

  test('?eidPort= is honoured when the page itself comes from loopback', () => {
    expect(resolveAusweisAppUrl({ pageHostname: '127.0.0.1', pageSearch: '?lang=ar&eidPort=41234' })).toBe('ws://127.0.0.1:41234/eID-Kernel');
    expect(resolveAusweisAppUrl({ pageHostname: 'localhost', pageSearch: '?eidPort=41234' })).toBe('ws://127.0.0.1:41234/eID-Kernel');
  });

  test('?eidPort= in a link to the real server address is ignored', () => {
    expect(resolveAusweisAppUrl({ pageHostname: '10.20.30.40', pageSearch: '?eidPort=41234' })).toBe(DEFAULT_AUSWEISAPP_URL);
  });

  test('a malformed or out-of-range port is ignored', () => {
    for (const port of ['abc', '0', '70000', '123456', '12 34', '']) {
      expect(resolveAusweisAppUrl({ pageHostname: '127.0.0.1', pageSearch: `?eidPort=${encodeURIComponent(port)}` })).toBe(DEFAULT_AUSWEISAPP_URL);
    }
  });

  test('a configured loopback address wins over the query', () => {
    expect(resolveAusweisAppUrl({ configured: 'ws://127.0.0.1:24800/eID-Kernel', pageHostname: '127.0.0.1', pageSearch: '?eidPort=41234' })).toBe(
      'ws://127.0.0.1:24800/eID-Kernel',
    );
  });

  test('a configured address off the terminal (or not a WebSocket) is not used', () => {
    for (const configured of ['ws://10.0.0.5:24727/eID-Kernel', 'wss://127.0.0.1:24727/eID-Kernel', 'http://127.0.0.1:24727/', 'nonsense']) {
      expect(resolveAusweisAppUrl({ configured, pageHostname: 'terminal.example', pageSearch: '' })).toBe(DEFAULT_AUSWEISAPP_URL);
    }
  });

  test('the busy-or-off probe goes to the same host and port over plain HTTP', () => {
    expect(statusProbeUrlOf('ws://127.0.0.1:41234/eID-Kernel')).toBe('http://127.0.0.1:41234/eID-Client?Status');
  });
});
