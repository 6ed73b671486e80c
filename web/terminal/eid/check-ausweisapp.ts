import {
  nextStep,
  READER_SETTLE_MS,
  receive,
  startConversation,
  statusProbeUrlOf,
  type EidStatus,
} from './ausweisapp-status.ts';

// One look at AusweisApp: connect, ask, disconnect. AusweisApp serves a single SDK client, and
// while a page stays connected, a citizen's eID login from the browser would go to that page
// instead of AusweisApp's own window — so the connection lives for well under a second.

/** The part of the browser's WebSocket this check uses (tests may pass the real one). */
export type SdkSocket = Pick<WebSocket, 'send' | 'close' | 'onopen' | 'onmessage' | 'onerror' | 'onclose'>;

export type CheckAusweisAppArgs = {
  /** AusweisApp's SDK address, e.g. ws://127.0.0.1:24727/eID-Kernel. */
  url: string;
  createSocket?: (url: string) => SdkSocket;
  /** True when something answers plain HTTP on AusweisApp's port (see statusProbeUrlOf). */
  probe?: (url: string) => Promise<boolean>;
  /** Give up after this long; a connection that opened but never answered counts as busy. */
  timeoutMs?: number;
  settleMs?: number;
};

const GET_STATUS = JSON.stringify({ cmd: 'GET_STATUS' });
const GET_READER_LIST = JSON.stringify({ cmd: 'GET_READER_LIST' });

/** How long to wait for the close handshake before answering anyway. */
const CLOSE_WAIT_MS = 1_000;

/** Any answer at all from the port: the opaque response of a no-cors request is enough. */
export async function probeHttp(url: string, timeoutMs = 2_000): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await fetch(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks AusweisApp for its status and readers and resolves with what to show. Resolves only after
 * the socket has closed (or a second later), so AusweisApp is free for the next client — the
 * citizen's login — by the time the answer is on screen. Never rejects.
 */
export function checkAusweisApp({
  url,
  createSocket = (address) => new WebSocket(address),
  probe = probeHttp,
  timeoutMs = 5_000,
  settleMs = READER_SETTLE_MS,
}: CheckAusweisAppArgs): Promise<EidStatus> {
  return new Promise((resolve) => {
    let conversation = startConversation();
    let opened = false;
    let settled = false;
    let askedAgain = false;
    let decided: EidStatus | null = null;
    let finished = false;
    let probing = false;
    const timers: ReturnType<typeof setTimeout>[] = [];

    const finish = (status: EidStatus) => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      resolve(status);
    };
    // Not reachable over WebSocket: running-but-refusing (busy) or not there at all.
    const finishByProbe = () => {
      if (finished || probing) return;
      probing = true;
      probe(statusProbeUrlOf(url)).then(
        (reachable) => finish(reachable ? 'busy' : 'notRunning'),
        () => finish('notRunning'),
      );
    };

    let socket: SdkSocket;
    try {
      socket = createSocket(url);
    } catch {
      finishByProbe();
      return;
    }

    const decide = (status: EidStatus) => {
      if (decided) return;
      decided = status;
      timers.push(setTimeout(() => finish(status), CLOSE_WAIT_MS));
      try {
        socket.close(1000);
      } catch {
        finish(status);
      }
    };
    const evaluate = () => {
      const step = nextStep(conversation, { settled });
      if (step.kind === 'done') decide(step.status);
      else if (step.kind === 'askAgain' && !askedAgain) {
        askedAgain = true;
        socket.send(GET_READER_LIST);
      }
    };

    socket.onopen = () => {
      opened = true;
      // Answers come in this order: a running workflow is known before the readers are judged.
      socket.send(GET_STATUS);
      socket.send(GET_READER_LIST);
    };
    socket.onmessage = (event: MessageEvent) => {
      if (decided) return;
      const listsBefore = conversation.listAnswers;
      conversation = receive(conversation, event.data);
      if (listsBefore === 0 && conversation.listAnswers > 0) {
        timers.push(
          setTimeout(() => {
            settled = true;
            if (!decided) evaluate();
          }, settleMs),
        );
      }
      evaluate();
    };
    // An error is always followed by close; the decision is made there.
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (decided) finish(decided);
      // AusweisApp hung up on us mid-conversation: it is there, but not for us right now.
      else if (opened) finish('busy');
      else finishByProbe();
    };
    timers.push(
      setTimeout(() => {
        if (decided || finished) return;
        if (opened) decide('busy');
        else {
          try {
            socket.close();
          } catch {
            // onclose is not coming; decide without it
          }
          // Some browsers never fire onclose for a socket stuck in CONNECTING.
          timers.push(setTimeout(finishByProbe, CLOSE_WAIT_MS));
        }
      }, timeoutMs),
    );
  });
}
