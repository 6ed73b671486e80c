/**
 * A push-to-pull bridge: producers (child process callbacks, timers) push events, the consumer
 * pulls them with `for await`. Drivers use it so pages reach the station while the feeder is
 * still running. `fail()` ends the iteration with an error after the queued events.
 */
export type EventQueue<T> = {
  push(event: T): void;
  end(): void;
  fail(error: unknown): void;
  readonly closed: boolean;
  iterate(): AsyncGenerator<T, void, undefined>;
};

export function createEventQueue<T>({ onReturn }: { onReturn?: () => void } = {}): EventQueue<T> {
  const items: T[] = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push(event) {
      if (done) return;
      items.push(event);
      notify();
    },
    end() {
      done = true;
      notify();
    },
    fail(error) {
      if (done) return;
      failure = { error };
      done = true;
      notify();
    },
    get closed() {
      return done;
    },
    async *iterate() {
      try {
        for (;;) {
          if (items.length > 0) {
            yield items.shift() as T;
            continue;
          }
          if (done) {
            if (failure) throw failure.error;
            return;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        // A consumer that stops early (break, throw) must stop the device and clean up too.
        if (!done || items.length > 0) onReturn?.();
      }
    },
  };
}
