/**
 * The per-case context `t` (KUnit's `struct kunit`): status, private data, the parameter, the log, the
 * check families, skipping, and deferred cleanup actions (lib/kunit/resource.c's kunit_add_action).
 */

import { inspect } from 'node:util';
import type { FailureDetail, SourceLocation } from '../events/types.js';
import { type AssertChecks, CaseAbort, type CheckSink, type ExpectChecks, makeChecks } from './checks.js';
import { type CheckKind, failureLines } from './format.js';
import { displayPath } from './location.js';
import type { SourceCache } from './source-cache.js';

/** A deferred action's handle, for `releaseAction`/`removeAction`. */
export interface ActionHandle {
  readonly fn: () => void | Promise<void>;
}

/** What a case sees. `P` is the parameter type of a parameterised case. */
export interface TestContext<P = unknown> {
  /** The case name (for a parameterised case too, as KUnit's `test->name`). */
  readonly name: string;
  readonly suiteName: string;
  /** Private data for this run of the case; `init` usually sets it. Reset for every parameter. */
  priv: unknown;
  /** What `suiteInit` stored in its context's `priv`. */
  readonly suitePriv: unknown;
  /** The current parameter (undefined for a plain case). */
  readonly paramValue: P;
  /** 0-based index of the current parameter. */
  readonly paramIndex: number;
  /** Aborted when the case times out, so asynchronous work can stop. */
  readonly signal: AbortSignal;
  /** Record a failure and continue (KUNIT_EXPECT_*). */
  readonly expect: ExpectChecks;
  /** Record a failure and end the case (KUNIT_ASSERT_*); exit hooks and actions still run. */
  readonly assert: AssertChecks;
  /** kunit_info: a diagnostic line `# <case>: <message>`. */
  log(...parts: unknown[]): void;
  /** kunit_skip: mark the case skipped and end it now. */
  skip(reason?: string): never;
  /** kunit_mark_skipped: mark the case skipped and go on. */
  markSkipped(reason?: string): void;
  /** kunit_add_action: run `fn` when the case ends (last added, first run), even if it aborted. */
  addAction(fn: () => void | Promise<void>): ActionHandle;
  /** kunit_release_action: run a deferred action now and forget it. */
  releaseAction(handle: ActionHandle): Promise<void>;
  /** kunit_remove_action: forget a deferred action without running it. */
  removeAction(handle: ActionHandle): void;
}

/** Case outcome as KUnit tracks it (`enum kunit_status`). */
export type CaseStatus = 'SUCCESS' | 'FAILURE' | 'SKIPPED';

/** Where a case run sends its log lines. */
export interface CaseRunOptions {
  readonly suiteName: string;
  readonly suitePriv: unknown;
  readonly paramValue: unknown;
  readonly paramIndex: number;
  readonly sources: SourceCache;
  /** Directory that locations are shown relative to. */
  readonly rootDir: string;
  readonly onLog: (line: string) => void;
}

/** One run of a case (one parameter of a parameterised case). The executor reads its outcome. */
export class CaseRun implements TestContext<unknown>, CheckSink {
  readonly name: string;
  readonly suiteName: string;
  priv: unknown = undefined;
  readonly suitePriv: unknown;
  readonly paramValue: unknown;
  readonly paramIndex: number;
  readonly expect: ExpectChecks;
  readonly assert: AssertChecks;
  readonly failures: FailureDetail[] = [];
  status: CaseStatus = 'SUCCESS';
  statusComment = '';
  readonly #abort = new AbortController();
  readonly #actions: ActionHandle[] = [];
  readonly #options: CaseRunOptions;

  constructor(name: string, options: CaseRunOptions) {
    this.name = name;
    this.suiteName = options.suiteName;
    this.suitePriv = options.suitePriv;
    this.paramValue = options.paramValue;
    this.paramIndex = options.paramIndex;
    this.#options = options;
    this.expect = makeChecks('EXPECTATION', this);
    this.assert = makeChecks('ASSERTION', this);
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  log(...parts: unknown[]): void {
    const text = parts.map((p) => (typeof p === 'string' ? p : inspect(p))).join(' ');
    for (const line of text.split('\n')) this.#options.onLog(`# ${this.name}: ${line}`);
  }

  /** A raw log line (failure reports), without the `# name:` prefix. */
  rawLog(line: string): void {
    this.#options.onLog(line);
  }

  skip(reason = ''): never {
    this.markSkipped(reason);
    throw new CaseAbort('skip');
  }

  markSkipped(reason = ''): void {
    // KUnit overwrites the status unconditionally: a skip after a failure wins, as in kunit_mark_skipped.
    this.status = 'SKIPPED';
    this.statusComment = reason;
  }

  /**
   * kunit_set_failure plus the failure's record and log lines. The log gets KUnit's full text, in order
   * with `t.log` lines; the recorded FailureDetail is shaped for the shared reporters (failure-text.ts),
   * which render `Expected l OP r` themselves from the operands. Its message is exactly the headline
   * (`EXPECTATION FAILED`), so the KTAP writer recognises the logged `... FAILED at file:line` and does not
   * print the failure twice; the explanation and the user's message live in the log.
   */
  record(kind: CheckKind, detail: FailureDetail): void {
    const location = detail.location
      ? { ...detail.location, file: displayPath(detail.location.file, this.#options.rootDir) }
      : undefined;
    const shown = location ? { ...detail, location } : detail;
    this.status = 'FAILURE';
    for (const line of failureLines(this.name, kind, shown)) this.#options.onLog(line);
    this.failures.push(forReporters(kind, shown));
  }

  /** A failure that is not a check (an exception, a timeout, a failing hook). */
  failWith(message: string, lines: readonly string[]): void {
    this.status = 'FAILURE';
    this.failures.push({ message });
    for (const line of lines) this.#options.onLog(line);
  }

  argumentsAt(location: SourceLocation): readonly string[] | undefined {
    return this.#options.sources.argumentsAt(location);
  }

  addAction(fn: () => void | Promise<void>): ActionHandle {
    if (typeof fn !== 'function') throw new TypeError('addAction: expected a function');
    const handle = { fn };
    this.#actions.push(handle);
    return handle;
  }

  async releaseAction(handle: ActionHandle): Promise<void> {
    const i = this.#actions.lastIndexOf(handle);
    if (i < 0) return;
    this.#actions.splice(i, 1);
    await handle.fn();
  }

  removeAction(handle: ActionHandle): void {
    const i = this.#actions.lastIndexOf(handle);
    if (i >= 0) this.#actions.splice(i, 1);
  }

  /** Runs the remaining actions, last added first; a throwing action fails the case, the rest still run. */
  async runActions(): Promise<void> {
    while (this.#actions.length > 0) {
      const handle = this.#actions.pop();
      if (!handle) break;
      try {
        await handle.fn();
      } catch (error) {
        this.failWith(`cleanup action threw: ${describeError(error)}`, [
          `# ${this.name}: cleanup action threw: ${describeError(error)}`,
        ]);
      }
    }
  }

  /** Signals time-out to the case's asynchronous work. */
  abort(): void {
    this.#abort.abort(new Error('test case timed out'));
  }
}

function forReporters(kind: CheckKind, detail: FailureDetail): FailureDetail {
  const { leftText, rightText, operator } = detail;
  const message = `${kind} FAILED`;
  if (leftText !== undefined && rightText !== undefined) return { ...detail, message };
  if ((operator === 'TRUE' || operator === 'FALSE') && leftText !== undefined) return { ...detail, message };
  // No operand pair: no operand fields a renderer could misread; the explanation is in the log.
  return {
    message,
    ...(operator ? { operator } : {}),
    ...(detail.location ? { location: detail.location } : {}),
  };
}

/** One-line description of a thrown value (first line of the stack for errors). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return inspect(error);
}
