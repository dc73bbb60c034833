/**
 * `vmunit exec` as RunEvents, for its run record: one run, one test (the binary), its report lines as
 * checks (the same adapter `vmunit run` uses), and the run script's verdict. exec still prints the guest's
 * console as the run script does; these events are what the record and reports are built from.
 */

import type { RunEvent, TestStatus } from '../events/types.js';
import type { DecodedExit } from './exit-code.js';
import { GuestOutputAdapter } from './guest-output.js';
import { resultText } from './progress.js';
import { defaultKtapSink } from './run-one.js';

const ROOT = 'exec';
const TEST = 'exec/1';
const STATUS: Readonly<Record<DecodedExit['verdict'], TestStatus>> = {
  PASS: 'SUCCESS',
  FAIL: 'FAILURE',
  SKIP: 'SKIPPED',
};

export class ExecEvents {
  readonly #emit: (event: RunEvent) => void;
  readonly #name: string;
  readonly #adapter = new GuestOutputAdapter({ testId: TEST, depth: 1, ktap: defaultKtapSink });
  readonly #started = Date.now();

  /** Emits run:start and the test's start; `meta` becomes run:start's meta (arch, accel, QEMU). */
  constructor(emit: (event: RunEvent) => void, name: string, meta: Readonly<Record<string, string>>) {
    this.#emit = emit;
    this.#name = name;
    emit({ type: 'run:start', producer: 'guest', name, meta, time: this.#started });
    emit({ type: 'test:start', id: ROOT, parentId: null, name: 'exec', index: 1, depth: 0, isSuite: true });
    emit({ type: 'test:start', id: TEST, parentId: ROOT, name, index: 1, depth: 1, isSuite: false });
  }

  line(stream: 'stdout' | 'stderr', line: string): void {
    if (stream === 'stderr') this.#emit({ type: 'test:log', id: TEST, line, stream: 'stderr' });
    else for (const event of this.#adapter.push(line)) this.#emit(event);
  }

  /** The verdict (undefined: QEMU never started), then the root's result and run:end. */
  finish(decoded: DecodedExit | undefined, interrupted: boolean): void {
    for (const event of this.#adapter.end()) this.#emit(event);
    const verdict = decoded?.verdict ?? 'FAIL';
    const reason = decoded?.reason ?? (decoded === undefined ? 'QEMU did not start' : this.#adapter.summary);
    const status = STATUS[verdict];
    this.#emit({
      type: 'test:result',
      id: TEST,
      name: this.#name,
      status,
      ...(reason === '' ? {} : { reason }),
      ...(verdict === 'FAIL' ? { failures: [{ message: reason || `exit status ${decoded?.status}` }] } : {}),
      resultText: resultText(decoded?.reason, this.#adapter.summary),
      durationMs: Date.now() - this.#started,
    });
    this.#emit({ type: 'test:result', id: ROOT, name: 'exec', status });
    this.#emit({ type: 'run:end', interrupted, elapsedMs: Date.now() - this.#started, time: Date.now() });
  }
}
