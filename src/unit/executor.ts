/**
 * Runs one suite in the current realm: suiteInit → (init → case → exit → actions)* → suiteExit, KUnit's
 * kunit_run_tests. It only sequences, times out and reports (HostMessage); it never prints and never
 * decides how things look. Timeouts here catch cases that stop making progress asynchronously; a
 * synchronous endless loop never yields, so the parent's watchdog (isolate.ts) kills the host for those.
 */

import { inspect } from 'node:util';
import type { RunEvent, TestDirective } from '../events/types.js';
import { CaseAbort } from './checks.js';
import { CaseRun, type CaseStatus, describeError } from './context.js';
import { paramSequence } from './params.js';
import { type Activity, type CaseSelection, caseId, type HostMessage, type RunRequest } from './protocol.js';
import type { SourceCache } from './source-cache.js';
import type { Case, Suite, SuiteContext } from './types.js';

/** Where the executor reports. */
export type Send = (message: HostMessage) => void;

class TimeoutError extends Error {}

/** Races `work` against a timer; on time-out aborts the context's signal and throws TimeoutError. */
async function withTimeout(work: () => unknown, ms: number, onTimeout?: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(`timed out after ${ms} ms`));
    }, ms);
  });
  try {
    await Promise.race([Promise.resolve().then(work), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stack lines of an unexpected exception, for the log (at most a few frames). */
function errorLines(prefix: string, error: unknown): string[] {
  const lines = [`${prefix}${describeError(error)}`];
  if (error instanceof Error && error.stack) {
    const frames = error.stack.split('\n').filter((l) => /^\s+at /.test(l));
    for (const f of frames.slice(0, 5)) lines.push(`    ${f.trim()}`);
  }
  return lines;
}

/** Runs the selected cases of `suite` and reports through `send`. Never throws for test failures. */
export class SuiteExecutor {
  readonly #suite: Suite;
  readonly #request: RunRequest;
  readonly #send: Send;
  readonly #sources: SourceCache;
  #pending: RunEvent[] = [];
  readonly #suiteCtx: SuiteContext;

  constructor(suite: Suite, request: RunRequest, send: Send, sources: SourceCache) {
    this.#suite = suite;
    this.#request = request;
    this.#send = send;
    this.#sources = sources;
    this.#suiteCtx = {
      name: suite.name,
      priv: undefined,
      log: (...parts: unknown[]) =>
        send({
          kind: 'suite-log',
          line: `# ${suite.name}: ${parts.map((p) => (typeof p === 'string' ? p : inspect(p))).join(' ')}`,
        }),
    };
  }

  async run(): Promise<void> {
    const { suiteInit, suiteExit } = this.#suite;
    const timeout = this.#request.timeoutMs;
    if (suiteInit) {
      this.#flush({ position: null, phase: 'suite' });
      try {
        await withTimeout(() => suiteInit(this.#suiteCtx), timeout);
      } catch (error) {
        this.#send({ kind: 'init-failed', lines: errorLines('# failed to initialize: ', error) });
        this.#send({ kind: 'done', suiteFailed: true });
        return;
      }
    }
    this.#send({ kind: 'ready' });
    for (let position = 0; position < this.#request.cases.length; position++) {
      const selection = this.#request.cases[position];
      const testCase = selection && this.#suite.cases[selection.index];
      if (selection && testCase) await this.#runCase(testCase, selection, position);
    }
    let suiteFailed = false;
    if (suiteExit) {
      this.#flush({ position: null, phase: 'suite' });
      try {
        await withTimeout(() => suiteExit(this.#suiteCtx), timeout);
      } catch (error) {
        suiteFailed = true;
        for (const line of errorLines(`# ${this.#suite.name}: suite_exit failed: `, error))
          this.#send({ kind: 'suite-log', line });
      }
      this.#flush(null);
    }
    this.#send({ kind: 'done', suiteFailed });
  }

  #emit(event: RunEvent): void {
    this.#pending.push(event);
  }

  #flush(activity: Activity | null): void {
    const events = this.#pending;
    this.#pending = [];
    this.#send({ kind: 'events', events, activity });
  }

  async #runCase(testCase: Case, selection: CaseSelection, position: number): Promise<void> {
    const id = caseId(this.#request.suiteId, selection.number);
    const parameterised = testCase.params !== undefined;
    this.#emit({
      type: 'test:start',
      id,
      parentId: this.#request.suiteId,
      name: testCase.name,
      index: selection.number,
      depth: 2,
      isSuite: parameterised && !selection.skip,
    });
    const started = Date.now();
    let outcome: { status: CaseStatus; comment: string; run?: CaseRun; timedOut?: boolean };
    if (selection.skip) outcome = { status: 'SKIPPED', comment: '' };
    else if (!testCase.params) outcome = await this.#runOnce(testCase, id, position, undefined, 0);
    else outcome = await this.#runParams(testCase, id, position);
    if (testCase.attributes.speed)
      this.#emit({ type: 'test:attr', id, key: 'speed', value: testCase.attributes.speed });
    this.#emit(resultEvent(id, testCase.name, selection.number, outcome, Date.now() - started));
    this.#flush(null);
  }

  /** KUnit's generate_params loop: one nested result per parameter; the case fails if any failed. */
  async #runParams(testCase: Case, id: string, position: number) {
    let status: CaseStatus = 'SKIPPED';
    let number = 0;
    const stats = { pass: 0, fail: 0, skip: 0 };
    try {
      for (const param of paramSequence(testCase.params ?? { values: [] })) {
        number++;
        const pid = `${id}.${number}`;
        const name = param.description;
        this.#emit({
          type: 'test:start',
          id: pid,
          parentId: id,
          name,
          index: number,
          depth: 3,
          isSuite: false,
        });
        const started = Date.now();
        const one = await this.#runOnce(testCase, pid, position, param.value, param.index);
        this.#emit(resultEvent(pid, name, number, one, Date.now() - started));
        if (one.status === 'FAILURE') status = 'FAILURE';
        else if (one.status === 'SUCCESS' && status !== 'FAILURE') status = 'SUCCESS';
        stats[one.status === 'SUCCESS' ? 'pass' : one.status === 'FAILURE' ? 'fail' : 'skip']++;
      }
    } catch (error) {
      for (const line of errorLines(`# ${testCase.name}: parameter generator threw: `, error))
        this.#emit({ type: 'test:log', id, line });
      status = 'FAILURE';
    }
    // kunit_print_test_stats: printed when there was more than one parameter.
    if (number > 1) {
      const line = `# ${testCase.name}: pass:${stats.pass} fail:${stats.fail} skip:${stats.skip} total:${number}`;
      this.#emit({ type: 'test:log', id, line });
    }
    return { status, comment: '' };
  }

  /** init → case, then exit → actions (KUnit's try and cleanup try-catch pair, each with the timeout). */
  async #runOnce(testCase: Case, id: string, position: number, paramValue: unknown, paramIndex: number) {
    let open = true;
    const ctx = new CaseRun(testCase.name, {
      suiteName: this.#suite.name,
      suitePriv: this.#suiteCtx.priv,
      paramValue,
      paramIndex,
      sources: this.#sources,
      rootDir: this.#request.rootDir,
      // A case that timed out may still run in the background; its late lines must not land elsewhere.
      onLog: (line) => {
        if (open) this.#emit({ type: 'test:log', id, line });
      },
    });
    this.#flush({ position, phase: 'run' });
    let timedOut = await this.#tryRun(ctx, testCase);
    this.#flush({ position, phase: 'cleanup' });
    timedOut = (await this.#cleanup(ctx)) || timedOut;
    open = false;
    return { status: ctx.status, comment: ctx.statusComment, run: ctx, timedOut };
  }

  /** init then the case body, under the timeout; returns true when it timed out. */
  async #tryRun(ctx: CaseRun, testCase: Case): Promise<boolean> {
    const { init } = this.#suite;
    const started = Date.now();
    try {
      await withTimeout(
        async () => {
          if (init) {
            try {
              await init(ctx);
            } catch (error) {
              if (error instanceof CaseAbort) throw error;
              const lines = errorLines(`# ${ctx.name}: failed to initialize: `, error);
              ctx.failWith(`failed to initialize: ${describeError(error)}`, lines);
              return;
            }
          }
          await testCase.run(ctx);
        },
        this.#request.timeoutMs,
        () => ctx.abort(),
      );
    } catch (error) {
      return this.#caught(ctx, error, 'test case timed out');
    }
    checkSpeed(ctx, testCase, Date.now() - started);
    return false;
  }

  /** exit then the deferred actions, under their own timeout (KUnit's cleanup try-catch). */
  async #cleanup(ctx: CaseRun): Promise<boolean> {
    const { exit } = this.#suite;
    try {
      await withTimeout(async () => {
        if (exit) {
          try {
            await exit(ctx);
          } catch (error) {
            if (error instanceof CaseAbort) ctx.status = ctx.status === 'SKIPPED' ? 'SKIPPED' : 'FAILURE';
            else
              ctx.failWith(
                `exit failed: ${describeError(error)}`,
                errorLines(`# ${ctx.name}: exit failed: `, error),
              );
          }
        }
        await ctx.runActions();
      }, this.#request.timeoutMs);
    } catch (error) {
      return this.#caught(ctx, error, 'test case cleanup timed out');
    }
    return false;
  }

  /** Classifies what ended a phase; returns true for a time-out. */
  #caught(ctx: CaseRun, error: unknown, timeoutText: string): boolean {
    if (error instanceof CaseAbort) return false;
    if (error instanceof TimeoutError) {
      ctx.failWith(timeoutText, [`# ${ctx.name}: ${timeoutText}`]);
      return true;
    }
    ctx.failWith(
      `uncaught exception: ${describeError(error)}`,
      errorLines(`# ${ctx.name}: uncaught exception: `, error),
    );
    return false;
  }
}

/** KUnit warns about a case that ran for 2 s or more (KUNIT_SPEED_SLOW_WARNING_THRESHOLD_S) unless marked slow. */
export const SLOW_WARNING_MS = 2_000;

function checkSpeed(ctx: CaseRun, testCase: Case, elapsedMs: number): void {
  const speed = testCase.attributes.speed;
  if (elapsedMs < SLOW_WARNING_MS || speed === 'slow' || speed === 'very_slow') return;
  ctx.log(`Test should be marked slow (runtime: ${(elapsedMs / 1000).toFixed(9)}s)`);
}

/** The `test:result` of a case or parameter run. */
function resultEvent(
  id: string,
  name: string,
  number: number,
  outcome: { status: CaseStatus; comment: string; run?: CaseRun; timedOut?: boolean },
  durationMs: number,
): RunEvent {
  let directive: TestDirective | undefined;
  if (outcome.status === 'SKIPPED') directive = { kind: 'SKIP', reason: outcome.comment };
  else if (outcome.timedOut) directive = { kind: 'TIMEOUT', reason: 'test case timed out' };
  const failures = outcome.run?.failures ?? [];
  return {
    type: 'test:result',
    id,
    name,
    number,
    status: outcome.status,
    durationMs,
    ...(directive ? { directive } : {}),
    ...(failures.length > 0 ? { failures } : {}),
  };
}
