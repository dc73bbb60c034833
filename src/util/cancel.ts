/**
 * The one cancellation path: the CLI turns SIGINT, SIGTERM and SIGHUP into one AbortSignal (created once,
 * carried in CliContext) and every command passes it down to whatever spawns or waits. Whatever runs stops,
 * reports are closed as valid documents, and the command exits 128 + the signal's number, as a shell
 * reports a process killed by that signal (130 for Ctrl-C, as run_tests.sh's SIGINT trap and Python's
 * KeyboardInterrupt give; 143 for SIGTERM, which kills kunit.py outright with that status).
 */

import { constants } from 'node:os';

/** The signals that cancel a run. */
export const CANCEL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The part of `process` a cancellation listens on (injected so tests need no real signals). */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: () => void): unknown;
  off(event: NodeJS.Signals, listener: () => void): unknown;
}

export interface Cancellation {
  readonly signal: AbortSignal;
  /** Stops listening (the signals' default actions come back). */
  dispose(): void;
}

/** An AbortSignal aborted, with the signal's name as its reason, by the first of CANCEL_SIGNALS. */
export function cancelOnSignals(source: SignalSource = process): Cancellation {
  const controller = new AbortController();
  const listeners = CANCEL_SIGNALS.map((name) => {
    const listener = (): void => {
      if (!controller.signal.aborted) controller.abort(name);
    };
    source.on(name, listener);
    return [name, listener] as const;
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [name, listener] of listeners) source.off(name, listener);
    },
  };
}

/** The exit status of a command cancelled by `signal` (130 when the reason is not a signal name). */
export function cancelledStatus(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  const number =
    typeof reason === 'string' ? constants.signals[reason as keyof typeof constants.signals] : undefined;
  return 128 + (number ?? constants.signals.SIGINT);
}

/**
 * `source`'s items until `signal` aborts: a reader blocked on a pipe that never sends (stdin) ends at once,
 * so the command can close its reports. The source is closed (its `return()`) either way.
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (!signal.aborted) {
      // A fresh abort promise per item, its listener removed once the race settled: one long-lived
      // promise raced on every item collects a reaction per race, each holding that race's result, and
      // a gigabyte log then stays in memory batch by batch.
      let onAbort = (): void => {};
      const aborted = new Promise<IteratorReturnResult<undefined>>((resolve) => {
        onAbort = () => resolve({ done: true, value: undefined });
        signal.addEventListener('abort', onAbort, { once: true });
      });
      let next: IteratorResult<T>;
      try {
        next = await Promise.race([iterator.next(), aborted]);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    void iterator.return?.();
  }
}
