/**
 * Runs one selected suite through isolation hosts and turns what happens to them into events: the suite
 * node (start, attributes, plan, result) is the parent's; case events come from the host. When a host dies
 * (process.exit, an uncaught throw, memory exhaustion) or stops answering (a synchronous endless loop),
 * the open case is closed as crashed or timed out and a fresh host runs the cases that are left.
 */

import type { RunEvent, TestStatus } from '../events/types.js';
import { suiteStatus } from '../ktap/status.js';
import type { SuiteSelection } from './filter.js';
import { type Host, type HostBackend, type HostExit, startHost } from './isolate.js';
import type { Activity, CaseSelection, HostMessage, RunRequest } from './protocol.js';
import { serveRequest } from './serve.js';

/** How tests are isolated: a host per suite, a host per case, or all in this realm. */
export type Isolation = 'suite' | 'case' | 'none';

/** Extra time the watchdog allows beyond the case timeout before it kills a host that does not answer. */
export const WATCHDOG_GRACE_MS = 2_000;

export interface SuperviseOptions {
  readonly isolation: Isolation;
  readonly backend: HostBackend;
  readonly timeoutMs: number;
  readonly memoryLimitMb?: number;
  readonly rootDir: string;
  /** For isolation "none": a token that makes each in-realm load evaluate test files afresh. */
  readonly fresh?: string;
}

type AttemptEnd =
  | { readonly crashed: false }
  | { readonly crashed: true; readonly reason: string; readonly timedOut: boolean };

/** Supervises one suite; `emit` receives every event of the suite's subtree, in order. */
export class SuiteSupervisor {
  readonly #sel: SuiteSelection;
  readonly #id: string;
  readonly #number: number;
  readonly #opts: SuperviseOptions;
  readonly #emit: (e: RunEvent) => void;
  readonly #names = new Map<string, string>();
  readonly #open: string[] = [];
  readonly #caseStatus = new Map<string, TestStatus>();
  /** Statuses of each parameterised case's parameters, for KUnit's `# Totals:` line. */
  readonly #paramStatus = new Map<string, TestStatus[]>();
  #planned = false;
  #initFailed = false;
  #restartInitFailed = false;
  #suiteFailed = false;
  #crashReason: string | undefined;

  constructor(
    sel: SuiteSelection,
    suiteId: string,
    number: number,
    opts: SuperviseOptions,
    emit: (e: RunEvent) => void,
  ) {
    this.#sel = sel;
    this.#id = suiteId;
    this.#number = number;
    this.#opts = opts;
    this.#emit = emit;
  }

  async run(rootId: string): Promise<TestStatus> {
    const { suite } = this.#sel;
    this.#emit({
      type: 'test:start',
      id: this.#id,
      parentId: rootId,
      name: suite.name,
      index: this.#number,
      depth: 1,
      isSuite: true,
    });
    if (suite.attributes.speed)
      this.#emit({ type: 'test:attr', id: this.#id, key: 'speed', value: suite.attributes.speed });
    if (suite.attributes.module !== undefined)
      this.#emit({ type: 'test:attr', id: this.#id, key: 'module', value: suite.attributes.module });
    const perCase = this.#opts.isolation === 'case' && this.#sel.cases.length > 0;
    const batches = perCase ? this.#sel.cases.map((c) => [c]) : [this.#sel.cases];
    for (const batch of batches) {
      let remaining: readonly CaseSelection[] = batch;
      while (remaining.length > 0 || !this.#planned) {
        const before = this.#caseStatus.size;
        const end = await this.#attempt(remaining);
        if (end.crashed) this.#closeCrashed(end.reason, end.timedOut);
        // A host that finished without ever reaching its cases cannot be retried usefully.
        else if (!this.#planned) this.#initFailed = true;
        if (this.#initFailed) return this.#finish();
        remaining = remaining.filter((c) => !this.#caseStatus.has(this.#caseIdOf(c)));
        if (this.#restartInitFailed) this.#failUnrun(remaining, 'suite_init failed in a restarted host');
        // A host that dies before finishing any case would die again: stop instead of looping.
        else if (end.crashed && this.#caseStatus.size === before)
          this.#failUnrun(remaining, 'host died between cases');
        if (!end.crashed || this.#restartInitFailed || this.#caseStatus.size === before) break;
      }
    }
    return this.#finish();
  }

  #caseIdOf(c: CaseSelection): string {
    return `${this.#id}.${c.number}`;
  }

  /** One host run over `cases`; resolves when the host said `done` or died. */
  #attempt(cases: readonly CaseSelection[]): Promise<AttemptEnd> {
    const { suite } = this.#sel;
    const request: RunRequest = {
      job: 'run',
      file: suite.file,
      suiteIndex: suite.indexInFile,
      suiteName: suite.name,
      suiteId: this.#id,
      cases,
      timeoutMs: this.#opts.timeoutMs,
      rootDir: this.#opts.rootDir,
    };
    this.#restartInitFailed = false;
    return this.#opts.isolation === 'none' ? this.#attemptInRealm(request) : this.#attemptInHost(request);
  }

  /** Runs `request` in a worker or child, with a watchdog armed while a case or hook is running. */
  #attemptInHost(request: RunRequest): Promise<AttemptEnd> {
    return new Promise((resolve) => {
      let watchdog: NodeJS.Timeout | undefined;
      let done = false;
      let timedOut = false;
      let fatal: string | undefined;
      const arm = (activity: Activity | null) => {
        clearTimeout(watchdog);
        if (activity === null) return;
        watchdog = setTimeout(() => {
          timedOut = true;
          host.kill();
        }, this.#opts.timeoutMs + WATCHDOG_GRACE_MS);
      };
      const host: Host = startHost(
        request,
        {
          backend: this.#opts.backend,
          ...(this.#opts.memoryLimitMb ? { memoryLimitMb: this.#opts.memoryLimitMb } : {}),
        },
        {
          onMessage: (m) => {
            if (m.kind === 'fatal') fatal = `uncaught exception outside the case: ${m.message}`;
            else if (m.kind === 'load-failed') fatal = `cannot load ${m.file}: ${m.message}`;
            else if (m.kind === 'done') {
              done = true;
              clearTimeout(watchdog);
              host.kill();
            }
            this.#handle(m, arm);
          },
          onOutput: (stream, line) =>
            this.#emit({ type: 'test:log', id: this.#open.at(-1) ?? this.#id, line, stream }),
          onExit: (exit) => {
            clearTimeout(watchdog);
            if (done) resolve({ crashed: false });
            else
              resolve({
                crashed: true,
                timedOut,
                reason: crashReason(exit, timedOut, fatal, this.#opts.timeoutMs),
              });
          },
        },
      );
    });
  }

  async #attemptInRealm(request: RunRequest): Promise<AttemptEnd> {
    let failure: string | undefined;
    try {
      await serveRequest(
        request,
        (m) => {
          if (m.kind === 'load-failed') failure = `cannot load ${m.file}: ${m.message}`;
          this.#handle(m, () => {});
        },
        // One evaluation per suite, as a fresh host would do (ESM caches modules by URL).
        `${this.#opts.fresh ?? 'run'}.${this.#id}`,
      );
      return failure === undefined ? { crashed: false } : { crashed: true, timedOut: false, reason: failure };
    } catch (error) {
      return { crashed: true, timedOut: false, reason: `internal error: ${String(error)}` };
    }
  }

  #handle(m: HostMessage, arm: (a: Activity | null) => void): void {
    switch (m.kind) {
      case 'events':
        for (const e of m.events) this.#track(e);
        arm(m.activity);
        return;
      case 'ready':
        if (!this.#planned) this.#emit({ type: 'test:plan', id: this.#id, count: this.#sel.cases.length });
        this.#planned = true;
        return;
      case 'init-failed':
        if (this.#planned) this.#restartInitFailed = true;
        else this.#initFailed = true;
        for (const line of m.lines) this.#emit({ type: 'test:log', id: this.#id, line });
        return;
      case 'suite-log':
        this.#emit({ type: 'test:log', id: this.#id, line: m.line });
        return;
      case 'done':
        if (m.suiteFailed && this.#planned) this.#suiteFailed = true;
        return;
      case 'load-failed':
      case 'fatal':
      case 'listed':
        return;
    }
  }

  #track(e: RunEvent): void {
    if (e.type === 'test:start') {
      this.#names.set(e.id, e.name);
      this.#open.push(e.id);
    } else if (e.type === 'test:result') {
      const i = this.#open.lastIndexOf(e.id);
      if (i >= 0) this.#open.splice(i, 1);
      const parent = this.#open.at(-1);
      if (parent === undefined) this.#caseStatus.set(e.id, e.status);
      else this.#paramStatus.set(parent, [...(this.#paramStatus.get(parent) ?? []), e.status]);
    }
    this.#emit(e);
  }

  /** Closes what the dead host left open, innermost first. */
  #closeCrashed(reason: string, timedOut: boolean): void {
    const where = this.#open.at(-1) ?? this.#id;
    const name = this.#names.get(where) ?? this.#sel.suite.name;
    for (const line of reason.split('\n'))
      this.#emit({ type: 'test:log', id: where, line: `# ${name}: ${line}` });
    if (this.#open.length === 0) {
      // Nothing open: the host died in suite_init (before the plan) or suite_exit.
      if (this.#planned) this.#suiteFailed = true;
      else this.#initFailed = true;
      this.#crashReason = reason.split('\n')[0];
      return;
    }
    const status: TestStatus = timedOut ? 'FAILURE' : 'TEST_CRASHED';
    while (this.#open.length > 0) {
      const id = this.#open.pop() ?? '';
      this.#emit({
        type: 'test:result',
        id,
        name: this.#names.get(id) ?? id,
        status,
        reason: reason.split('\n')[0] ?? reason,
        ...(timedOut ? { directive: { kind: 'TIMEOUT' as const, reason: 'test case timed out' } } : {}),
      });
      if (this.#open.length === 0) this.#caseStatus.set(id, status);
    }
  }

  /** Cases no host could run (a restarted host's suite_init failed, or hosts die between cases). */
  #failUnrun(cases: readonly CaseSelection[], why: string): void {
    for (const c of cases) {
      const id = this.#caseIdOf(c);
      const name = this.#sel.suite.cases[c.index]?.name ?? id;
      this.#emit({
        type: 'test:start',
        id,
        parentId: this.#id,
        name,
        index: c.number,
        depth: 2,
        isSuite: false,
      });
      this.#emit({ type: 'test:log', id, line: `# ${name}: not run: ${why}` });
      this.#emit({
        type: 'test:result',
        id,
        name,
        number: c.number,
        status: 'FAILURE',
        reason: why,
      });
      this.#caseStatus.set(id, 'FAILURE');
    }
  }

  /** kunit_print_suite_stats: case-level and parameter-level totals, when there is more than one test. */
  #printStats(): void {
    const cases = [...this.#caseStatus.values()];
    const all = [...this.#caseStatus].flatMap(([id, s]) => this.#paramStatus.get(id) ?? [s]);
    const suiteStats = stats(cases);
    const totals = stats(all);
    if (suiteStats.total > 1)
      this.#emit({ type: 'test:log', id: this.#id, line: `# ${this.#sel.suite.name}: ${suiteStats.text}` });
    if (totals.total > 1) this.#emit({ type: 'test:log', id: this.#id, line: `# Totals: ${totals.text}` });
  }

  #finish(): TestStatus {
    const status = suiteStatus(this.#caseStatus.values(), this.#initFailed || this.#suiteFailed);
    if (this.#planned) this.#printStats();
    this.#emit({
      type: 'test:result',
      id: this.#id,
      name: this.#sel.suite.name,
      number: this.#number,
      status,
      ...(status === 'SKIPPED' ? { directive: { kind: 'SKIP' as const, reason: '' } } : {}),
      ...(this.#crashReason ? { reason: this.#crashReason } : {}),
    });
    return status;
  }
}

/** `pass:1 fail:0 skip:0 total:1`, KUnit's stats text; crashes count as failures as KUnit has no crash. */
function stats(statuses: readonly TestStatus[]): { text: string; total: number } {
  const count = (pred: (s: TestStatus) => boolean) => statuses.filter(pred).length;
  const pass = count((s) => s === 'SUCCESS');
  const skip = count((s) => s === 'SKIPPED');
  const fail = statuses.length - pass - skip;
  return { text: `pass:${pass} fail:${fail} skip:${skip} total:${statuses.length}`, total: statuses.length };
}

/** Human reason for a host that ended without finishing. */
export function crashReason(
  exit: HostExit,
  timedOut: boolean,
  fatal: string | undefined,
  timeoutMs: number,
): string {
  if (timedOut) return `test case timed out (no answer within ${timeoutMs} ms; host killed)`;
  if (fatal) return `crashed: ${fatal}`;
  if (exit.outOfMemory) return 'crashed: out of memory';
  if (exit.error) return `crashed: ${exit.error}`;
  if (exit.signal) return `crashed: killed by signal ${exit.signal}`;
  return `crashed: exited with code ${exit.code} (process.exit called?)`;
}
