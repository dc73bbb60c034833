/**
 * The reporter seam. A reporter consumes the live `RunEvent` stream and writes to its own destination
 * (a terminal, a file). It never sees producer internals. Reporters that need the whole tree fold events
 * with `TreeBuilder` and render in `close()`; streaming ones (console, KTAP) write as events arrive, so an
 * interrupted run still leaves their output behind.
 */

import type { RunEvent } from '../events/types.js';
import type { PassedLeaves } from '../ktap/fast-leaf.js';

export interface Reporter {
  /** Called for every event, in arrival order. Must not throw on unexpected events. */
  onEvent(event: RunEvent): void;
  /** Called once after the last event (also after an interrupted run). Flushes and closes files. */
  close(): Promise<void>;
}

/**
 * A reporter that also takes the KTAP parser's fast lane (ktap/fast-leaf.ts): `passedLeaves` must do
 * exactly what the test:start and test:result events the cases stand for would do. `vmunit parse` uses the fast
 * lane only when every reporter of the run is one.
 */
export interface LeafReporter extends Reporter {
  passedLeaves(leaves: PassedLeaves): void;
}

export function takesLeaves(reporter: Reporter): reporter is LeafReporter {
  return typeof (reporter as Partial<LeafReporter>).passedLeaves === 'function';
}

/** Options every reporter factory receives. */
export interface ReporterOptions {
  /** Where to write: a stream (stdout) or a file path (written atomically on close, or streamed). */
  readonly destination: NodeJS.WritableStream | string;
  /** Colour on/off, decided by the CLI from isTTY and NO_COLOR. */
  readonly color: boolean;
}

/** Sends every event to several reporters (console on the terminal plus JUnit/JSON files, say). */
export class FanOutReporter implements Reporter {
  readonly #reporters: readonly Reporter[];

  constructor(reporters: readonly Reporter[]) {
    this.#reporters = reporters;
  }

  onEvent(event: RunEvent): void {
    for (const r of this.#reporters) r.onEvent(event);
  }

  async close(): Promise<void> {
    await Promise.all(this.#reporters.map((r) => r.close()));
  }
}
