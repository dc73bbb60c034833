/**
 * Folds `RunEvent`s into a `RunRecord`. Incremental and pure: the record writer feeds it the live stream and
 * snapshots it as tests end; the reader feeds it a saved `events.jsonl`.
 *
 * Levels: the children of a root node are the tests (guest: the cfg entries; KTAP and kernel runs: the
 * suites; the unit library: its suites); everything below them is a check. A test's verdict is its own
 * `test:result` (status, directive, reason), never recomputed from its checks. A node that never got a
 * result is TEST_CRASHED, with the reason 'interrupted' when run:end said so, else 'did not finish'.
 * Children are kept in `test:start` index order, so a `-j` run records the cfg order.
 */

import { insertByIndex } from '../events/order.js';
import type { ProducerKind, RunEvent, RunStartEvent, TestResultEvent, TestStatus } from '../events/types.js';
import { countsOf, emptyLevelCounts, sumCounts, verdictOf } from './counts.js';
import {
  type NodeFacts,
  RECORD_FORMAT,
  RECORD_VERSION,
  type RecordCheck,
  type RecordIssue,
  type RecordRoot,
  type RecordTest,
  type RunMeta,
  type RunRecord,
} from './types.js';

/** What the CLI knows about the run beyond the events (tool, command line, host, accelerator, tree…). */
export type RunMetaInput = Partial<Omit<RunMeta, 'complete' | 'interrupted' | 'properties' | 'elapsedMs'>>;

interface Node {
  readonly id: string;
  readonly parent: Node | undefined;
  readonly startName: string;
  readonly index: number;
  readonly suite: boolean;
  readonly startTime: number | undefined;
  plan: number | undefined;
  attributes: Record<string, string> | undefined;
  readonly log: string[];
  issues: RecordIssue[] | undefined;
  readonly children: Node[];
  result: TestResultEvent | undefined;
}

const ROOT_INDEX = 0;

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export class RecordBuilder {
  readonly #meta: RunMetaInput;
  readonly #nodes = new Map<string, Node>();
  readonly #roots: Node[] = [];
  #runStart: RunStartEvent | undefined;
  #properties: Record<string, string> | undefined;
  #ended = false;
  #interrupted = false;
  #endTime: number | undefined;
  #elapsedMs: number | undefined;

  constructor(meta: RunMetaInput = {}) {
    this.#meta = meta;
  }

  /** The depth of a started node (0 for roots), or undefined for an unknown id. */
  depthOf(id: string): number | undefined {
    let node = this.#nodes.get(id);
    if (node === undefined) return undefined;
    let depth = 0;
    while (node.parent !== undefined) {
      depth++;
      node = node.parent;
    }
    return depth;
  }

  /** Applies one event. Unknown ids are ignored, as every reporter does. */
  push(event: RunEvent): void {
    switch (event.type) {
      case 'run:start':
        this.#runStart ??= event;
        if (event.meta !== undefined) this.#properties = { ...this.#properties, ...event.meta };
        return;
      case 'test:start':
        this.#start(event);
        return;
      case 'test:plan': {
        const node = this.#nodes.get(event.id);
        if (node) node.plan = event.count;
        return;
      }
      case 'test:attr': {
        const node = this.#nodes.get(event.id);
        if (node) node.attributes = { ...node.attributes, [event.key]: event.value };
        return;
      }
      case 'test:log':
        this.#nodes.get(event.id)?.log.push(event.line);
        return;
      case 'parse:issue':
        this.#issue(event);
        return;
      case 'test:result': {
        const node = this.#nodes.get(event.id);
        if (node && node.result === undefined) node.result = event;
        return;
      }
      case 'run:end':
        this.#ended = true;
        if (event.interrupted) this.#interrupted = true;
        if (event.time !== undefined) this.#endTime = event.time;
        if (event.elapsedMs !== undefined) this.#elapsedMs = event.elapsedMs;
        return;
      case 'stage':
        return;
    }
  }

  #start(event: Extract<RunEvent, { type: 'test:start' }>): void {
    if (this.#nodes.has(event.id)) return;
    const parent = event.parentId === null ? undefined : this.#nodes.get(event.parentId);
    const node: Node = {
      id: event.id,
      parent,
      startName: event.name,
      index: parent === undefined ? ROOT_INDEX : event.index,
      suite: event.isSuite,
      startTime: event.time,
      plan: undefined,
      attributes: undefined,
      log: [],
      issues: undefined,
      children: [],
      result: undefined,
    };
    this.#nodes.set(event.id, node);
    if (parent === undefined) this.#roots.push(node);
    else insertByIndex(parent.children, node, (n) => n.index);
  }

  #issue(event: Extract<RunEvent, { type: 'parse:issue' }>): void {
    const node = this.#nodes.get(event.id);
    if (node === undefined) return;
    node.issues ??= [];
    node.issues.push({
      message: event.message,
      ...(event.line === undefined ? {} : { line: event.line }),
      ...(event.kind === undefined ? {} : { kind: event.kind }),
      ...(event.testName === undefined ? {} : { testName: event.testName }),
    });
  }

  /** The record as it stands: unfinished tests show as TEST_CRASHED ('interrupted' / 'did not finish'). */
  record(): RunRecord {
    const tests: RecordTest[] = [];
    this.#roots.forEach((root, rootIndex) => {
      for (const child of root.children) {
        tests.push(this.#test(child, this.#roots.length > 1 ? rootIndex : undefined));
      }
    });
    const checks = sumCounts(tests.map((t) => t.counts));
    return {
      format: RECORD_FORMAT,
      version: RECORD_VERSION,
      run: this.#runMeta(),
      roots: this.#roots.map((r) => this.#root(r)),
      tests,
      counts: { tests: countsOf(tests.map((t) => t.status)), checks },
    };
  }

  #runMeta(): RunMeta {
    const start = this.#runStart;
    const producer: ProducerKind = start?.producer ?? this.#meta.producer ?? 'ktap';
    const arch = this.#meta.arch ?? this.#properties?.arch;
    return {
      tool: { name: 'vmunit', version: '0.0.0' },
      command: [],
      ...this.#meta,
      producer,
      name: this.#meta.name ?? start?.name ?? '',
      ...(arch === undefined ? {} : { arch }),
      startTime: iso(start?.time) ?? this.#meta.startTime ?? new Date(0).toISOString(),
      ...(this.#endTime === undefined ? {} : { endTime: new Date(this.#endTime).toISOString() }),
      complete: this.#ended && !this.#interrupted,
      interrupted: this.#interrupted,
      ...(this.#elapsedMs === undefined ? {} : { elapsedMs: this.#elapsedMs }),
      ...(this.#properties === undefined ? {} : { properties: this.#properties }),
    };
  }

  /** The result a node has, or the crash an unfinished one gets. */
  #resultOf(node: Node): TestResultEvent {
    if (node.result !== undefined) return node.result;
    const reason = this.#interrupted ? 'interrupted' : 'did not finish';
    return { type: 'test:result', id: node.id, name: node.startName, status: 'TEST_CRASHED', reason };
  }

  #facts(node: Node, position: number, result: TestResultEvent): NodeFacts | undefined {
    const facts: { -readonly [K in keyof NodeFacts]: NodeFacts[K] } = {};
    if (node.id !== this.#expectedId(node, position)) facts.id = node.id;
    if (node.startName !== result.name) facts.startName = node.startName;
    if (node.parent !== undefined && node.index !== position) facts.index = node.index;
    if (result.number !== undefined) facts.number = result.number;
    if (node.plan !== undefined) facts.plan = node.plan;
    if (node.suite) facts.suite = true;
    if (node.issues !== undefined) facts.issues = node.issues;
    if (node.result === undefined) facts.unfinished = true;
    return Object.keys(facts).length === 0 ? undefined : facts;
  }

  /** Ids are usually `<parent id>/<position>`; only others are stored. */
  #expectedId(node: Node, position: number): string {
    return node.parent === undefined ? 'root' : `${node.parent.id}/${position}`;
  }

  #common(node: Node, position: number) {
    const result = this.#resultOf(node);
    const facts = this.#facts(node, position, result);
    return {
      name: result.name,
      status: result.status,
      ...(result.directive === undefined ? {} : { directive: result.directive }),
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
      ...(result.failures === undefined || result.failures.length === 0 ? {} : { failures: result.failures }),
      ...(node.attributes === undefined ? {} : { attributes: node.attributes }),
      ...(facts === undefined ? {} : { node: facts }),
    };
  }

  #root(node: Node): RecordRoot {
    const common = this.#common(node, 1);
    return { ...common, ...(node.log.length === 0 ? {} : { log: node.log }) };
  }

  #test(node: Node, root: number | undefined): RecordTest {
    const position = (node.parent as Node).children.indexOf(node) + 1;
    const { name, ...common } = this.#common(node, position);
    const checks = node.children.map((c, i) => this.#check(c, i + 1));
    const startTime = iso(node.startTime);
    return {
      id: node.id,
      name,
      verdict: verdictOf(common.status),
      ...common,
      ...(node.result?.log === undefined ? {} : { log: node.result.log }),
      ...(startTime === undefined ? {} : { startTime }),
      checks,
      counts: leafCounts(checks),
      ...(node.log.length === 0 ? {} : { output: node.log }),
      ...(root === undefined ? {} : { root }),
    };
  }

  #check(node: Node, position: number): RecordCheck {
    const common = this.#common(node, position);
    return {
      ...common,
      ...(node.log.length === 0 ? {} : { log: node.log }),
      ...(node.children.length === 0 ? {} : { checks: node.children.map((c, i) => this.#check(c, i + 1)) }),
    };
  }
}

/** Check-level counts: the statuses of the leaves below. */
function leafCounts(checks: readonly RecordCheck[]) {
  const statuses: TestStatus[] = [];
  const visit = (list: readonly RecordCheck[]): void => {
    for (const c of list) {
      if (c.checks === undefined || c.checks.length === 0) statuses.push(c.status);
      else visit(c.checks);
    }
  };
  visit(checks);
  return statuses.length === 0 ? emptyLevelCounts() : countsOf(statuses);
}
