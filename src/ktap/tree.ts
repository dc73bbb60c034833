/**
 * Folds `RunEvent`s into a `TestNode` tree. Pure and incremental: reporters that need the whole tree (JSON,
 * JUnit, HTML) feed it every event and read `root()` at the end; it works with interleaved events from
 * concurrent producers because it keys on ids.
 *
 * Counting is the status rule of status.ts (kunit.py's bubble-up), applied when a node's result arrives,
 * with its children's counts (errors included) summed into it first. The root never gets a result line in KTAP: `finish()` bubbles it and derives its status from its counts.
 * A producer should still emit a `test:result` for its root: NO_TESTS when nothing ran and
 * FAILURE_TO_PARSE_TESTS when no KTAP was found (both kept as is; the latter is not counted, as kunit.py
 * never bubbles it), any other status (replaced by the counts' status). A root with no result and no
 * children counts as crashed.
 */

import type { RunEvent, RunStartEvent } from '../events/types.js';
import { addCounts, newTestNode, type TestNode } from './model.js';
import { type StatusRule, settleStatus } from './status.js';

/** The node's own array, replacing the shared frozen empty that newTestNode gives on first write. */
function own<K extends 'log' | 'issues' | 'failures'>(node: TestNode, key: K): TestNode[K] {
  if (Object.isFrozen(node[key])) node[key] = [] as TestNode[K];
  return node[key];
}

export class TreeBuilder {
  readonly #options: StatusRule;
  readonly #nodes = new Map<string, TestNode>();
  readonly #roots: TestNode[] = [];
  readonly #finished = new Set<string>();
  #runStart: RunStartEvent | undefined;
  #interrupted = false;
  #elapsedMs: number | undefined;

  constructor(options: StatusRule = {}) {
    this.#options = options;
  }

  /** Applies one event. Events for unknown ids are ignored (a producer bug must not crash a reporter). */
  push(event: RunEvent): void {
    switch (event.type) {
      case 'run:start':
        this.#runStart ??= event;
        return;
      case 'test:start':
        this.#start(event.id, event.parentId, event.name, event.isSuite);
        return;
      case 'test:plan': {
        const node = this.#nodes.get(event.id);
        if (node) {
          node.expectedCount = event.count;
          node.isSuite = true;
        }
        return;
      }
      case 'test:attr': {
        const node = this.#nodes.get(event.id);
        if (!node) return;
        if (Object.isFrozen(node.attributes)) node.attributes = {};
        node.attributes[event.key] = event.value;
        return;
      }
      case 'test:log': {
        const node = this.#nodes.get(event.id);
        if (node) own(node, 'log').push(event.line);
        return;
      }
      case 'parse:issue': {
        const node = this.#nodes.get(event.id);
        if (node) {
          own(node, 'issues').push(event.message);
          node.counts.errors++;
        }
        return;
      }
      case 'test:result':
        this.#result(event);
        return;
      case 'stage':
        return;
      case 'run:end':
        if (event.interrupted) this.#interrupted = true;
        if (event.elapsedMs !== undefined) this.#elapsedMs = event.elapsedMs;
        return;
    }
  }

  #start(id: string, parentId: string | null, name: string, isSuite: boolean): void {
    const node = newTestNode(id, name);
    node.isSuite = isSuite;
    this.#nodes.set(id, node);
    const parent = parentId === null ? undefined : this.#nodes.get(parentId);
    if (parent) {
      parent.subtests.push(node);
      parent.isSuite = true;
    } else this.#roots.push(node);
  }

  #result(event: Extract<RunEvent, { type: 'test:result' }>): void {
    const node = this.#nodes.get(event.id);
    if (!node || this.#finished.has(event.id)) return;
    node.name = event.name;
    node.status = event.status;
    node.number = event.number;
    node.directive = event.directive;
    node.durationMs = event.durationMs;
    node.reason = event.reason;
    if (event.failures) own(node, 'failures').push(...event.failures);
    this.#settle(node, this.#roots.includes(node));
  }

  /** Sums the children's counts into the node and applies the status rule (status.ts) to it. */
  #settle(node: TestNode, isRoot: boolean): void {
    for (const child of node.subtests) addCounts(node.counts, child.counts);
    node.status = settleStatus(node.counts, node.status, isRoot, this.#options);
    this.#finished.add(node.id);
  }

  /** True once `run:end` said the run was cut short. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /** The run's wall time from the last `run:end` that carried one. */
  get elapsedMs(): number | undefined {
    return this.#elapsedMs;
  }

  get runStart(): RunStartEvent | undefined {
    return this.#runStart;
  }

  /**
   * Closes the tree: nodes that never got a result stay TEST_CRASHED (kunit.py's default) and are bubbled
   * bottom-up; roots take their status from their counts unless they are NO_TESTS. Idempotent.
   */
  finish(): TestNode[] {
    for (const root of this.#roots) this.#finishNode(root, true);
    return this.#roots;
  }

  #finishNode(node: TestNode, isRoot: boolean): void {
    if (this.#finished.has(node.id)) return;
    for (const child of node.subtests) this.#finishNode(child, false);
    this.#settle(node, isRoot);
  }

  /** The first root, or an empty "main" node when nothing was started. */
  root(): TestNode {
    return this.finish()[0] ?? newTestNode('root', 'main');
  }
}

/** Convenience: fold a finished list of events into the root node. */
export function buildTree(events: Iterable<RunEvent>, options: StatusRule = {}): TestNode {
  const builder = new TreeBuilder(options);
  for (const event of events) builder.push(event);
  return builder.root();
}
