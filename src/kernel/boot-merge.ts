/**
 * Merges the event streams of isolated boots into one result tree. Each boot's parser attaches its
 * top-level tests (suites) to one shared root. By suite, every boot brings its own suite: events pass
 * through. By test, consecutive boots bring the same suite with one test each: the merger folds them into
 * one suite node (one start, one plan with the listed test count, children renumbered, one result whose
 * status is the worst of the boots'). A boot that produced no test at all gets a crashed stand-in node named
 * after what it was asked to run, so a crashed or hung boot fails exactly its own suite/test. Pure.
 */

import type { RunEvent, TestStatus } from '../events/types.js';
import type { IsolationMode } from './types.js';

// Worst first: the merged suite takes the first status any boot reported.
const SEVERITY: readonly TestStatus[] = [
  'TEST_CRASHED',
  'FAILURE_TO_PARSE_TESTS',
  'FAILURE',
  'SUCCESS',
  'SKIPPED',
  'NO_TESTS',
];

/** The worst of several suite statuses. */
export function worstStatus(statuses: readonly TestStatus[]): TestStatus {
  for (const s of SEVERITY) if (statuses.includes(s)) return s;
  return 'NO_TESTS';
}

/** What one boot was for and how it ended, for the stand-in node of a boot without results. */
export interface BootSummary {
  /** `suite` or `suite.test` (the boot's filter glob). */
  readonly glob: string;
  readonly idPrefix: string;
  /** Why it produced nothing: "timed out after 300 s", "exited with status 1". */
  readonly failure: string;
  /** Last console lines, kept as the stand-in's log. */
  readonly tail: readonly string[];
}

interface MergedSuite {
  readonly name: string;
  readonly id: string;
  readonly statuses: TestStatus[];
  lastResult: Extract<RunEvent, { type: 'test:result' }> | undefined;
  children: number;
}

export class BootMerger {
  readonly #rootId: string;
  readonly #mode: IsolationMode;
  readonly #planOf: (suite: string) => number | undefined;
  #suite: MergedSuite | undefined;
  #topIndex = 0;
  /** Boot-local id → merged id, for nodes folded into an earlier boot's suite. */
  readonly #alias = new Map<string, string>();

  constructor(rootId: string, mode: IsolationMode, planOf: (suite: string) => number | undefined) {
    this.#rootId = rootId;
    this.#mode = mode;
    this.#planOf = planOf;
  }

  /** Events of one finished boot, in order; returns what to emit. */
  addBoot(events: readonly RunEvent[], boot: BootSummary): RunEvent[] {
    // Each boot's own top-level plan (1..1) says nothing about the merged root.
    const own = events.filter((e) => !(e.type === 'test:plan' && e.id === this.#rootId));
    const topLevel = own.some((e) => e.type === 'test:start' && e.parentId === this.#rootId);
    const input = topLevel ? own : [...own, ...standIn(this.#rootId, boot)];
    if (this.#mode === 'suite') return input.map((e) => this.#renumberTop(e));
    const out: RunEvent[] = [];
    for (const event of input) out.push(...this.#foldTest(event));
    return out;
  }

  /** Events still held back (the last merged suite's result). */
  finish(): RunEvent[] {
    return this.#closeSuite();
  }

  #renumberTop(event: RunEvent): RunEvent {
    if (event.type === 'test:start' && event.parentId === this.#rootId)
      return { ...event, index: ++this.#topIndex };
    return event;
  }

  #closeSuite(): RunEvent[] {
    const suite = this.#suite;
    this.#suite = undefined;
    if (!suite?.lastResult) return [];
    return [{ ...suite.lastResult, id: suite.id, status: worstStatus(suite.statuses) }];
  }

  #foldTest(event: RunEvent): RunEvent[] {
    if (event.type === 'test:start' && event.parentId === this.#rootId) {
      if (this.#suite?.name === event.name) {
        this.#alias.set(event.id, this.#suite.id);
        return [];
      }
      const closed = this.#closeSuite();
      this.#suite = { name: event.name, id: event.id, statuses: [], lastResult: undefined, children: 0 };
      const plan = this.#planOf(event.name);
      const start: RunEvent = { ...event, index: ++this.#topIndex };
      return plan === undefined
        ? [...closed, start]
        : [...closed, start, { type: 'test:plan', id: event.id, count: plan }];
    }
    const suite = this.#suite;
    if (!suite) return [event];
    if (event.type === 'test:plan' && this.#resolve(event.id) === suite.id) return [];
    if (event.type === 'test:result' && this.#resolve(event.id) === suite.id) {
      suite.statuses.push(event.status);
      suite.lastResult = event;
      return [];
    }
    if (event.type === 'test:start') {
      const parentId = event.parentId === null ? null : this.#resolve(event.parentId);
      if (parentId === suite.id) return [{ ...event, parentId, index: ++suite.children }];
      return [{ ...event, parentId }];
    }
    if ('id' in event && this.#alias.has(event.id)) return [{ ...event, id: suite.id } as RunEvent];
    return [event];
  }

  #resolve(id: string): string {
    return this.#alias.get(id) ?? id;
  }
}

/** A crashed node standing for a boot that printed no test results (suite mode: the suite; test mode: both). */
export function standIn(rootId: string, boot: BootSummary): RunEvent[] {
  const dot = boot.glob.indexOf('.');
  const suiteName = dot < 0 ? boot.glob : boot.glob.slice(0, dot);
  const testName = dot < 0 ? undefined : boot.glob.slice(dot + 1);
  const suiteId = `${boot.idPrefix}lost`;
  const reason = `kernel ${boot.failure} before reporting any result`;
  const events: RunEvent[] = [
    {
      type: 'test:start',
      id: suiteId,
      parentId: rootId,
      name: suiteName,
      index: 0,
      depth: 1,
      isSuite: testName !== undefined,
    },
  ];
  let crashedId = suiteId;
  if (testName !== undefined) {
    crashedId = `${suiteId}.case`;
    events.push({
      type: 'test:start',
      id: crashedId,
      parentId: suiteId,
      name: testName,
      index: 1,
      depth: 2,
      isSuite: false,
    });
  }
  for (const line of [`vmunit: ${reason}`, ...boot.tail])
    events.push({ type: 'test:log', id: crashedId, line });
  events.push({
    type: 'test:result',
    id: crashedId,
    name: testName ?? suiteName,
    status: 'TEST_CRASHED',
    reason,
  });
  if (testName !== undefined) {
    events.push({ type: 'test:result', id: suiteId, name: suiteName, status: 'TEST_CRASHED', reason });
  }
  return events;
}
