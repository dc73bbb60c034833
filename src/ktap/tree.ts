/**
 * Folds `RunEvent`s into a `TestNode` tree. Pure and incremental: reporters that need the whole tree (JSON,
 * JUnit, HTML) feed it every event and read `root()` at the end; it works with interleaved events from
 * concurrent producers because it keys on ids.
 *
 * Counting follows kunit.py's `bubble_up_test_results`, applied when a node's result arrives:
 * - children's counts are summed into the parent (errors included);
 * - a node whose subtree counted nothing contributes its own status (a leaf, or an empty parent);
 * - a subtree with a crash makes the node TEST_CRASHED (the only status override);
 * - a `not ok` parent whose children all passed adds one synthetic failure.
 * The root never gets a result line in KTAP: `finish()` bubbles it and derives its status from its counts.
 * A producer should still emit a `test:result` for its root: NO_TESTS when nothing ran (kept as is), any
 * other status (replaced by the counts' status). A root with no result and no children counts as crashed.
 */

import type { RunEvent, RunStartEvent } from '../events/types.js';
import { addCounts, addStatus, aggregateStatus, newTestNode, type TestNode, totalTests } from './model.js';

export class TreeBuilder {
  readonly #nodes = new Map<string, TestNode>();
  readonly #roots: TestNode[] = [];
  readonly #finished = new Set<string>();
  #runStart: RunStartEvent | undefined;
  #interrupted = false;

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
        if (node) node.attributes[event.key] = event.value;
        return;
      }
      case 'test:log':
        this.#nodes.get(event.id)?.log.push(event.line);
        return;
      case 'parse:issue': {
        const node = this.#nodes.get(event.id);
        if (node) {
          node.issues.push(event.message);
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
    if (event.failures) node.failures.push(...event.failures);
    bubbleUp(node);
    this.#finished.add(event.id);
  }

  /** True once `run:end` said the run was cut short. */
  get interrupted(): boolean {
    return this.#interrupted;
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
    if (!this.#finished.has(node.id)) {
      for (const child of node.subtests) this.#finishNode(child, false);
      bubbleUp(node);
      this.#finished.add(node.id);
    }
    // kunit.py: the main test's status is its counts' status, unless it ran nothing (NO_TESTS).
    if (isRoot && node.status !== 'NO_TESTS') node.status = aggregateStatus(node.counts);
  }

  /** The first root, or an empty "main" node when nothing was started. */
  root(): TestNode {
    return this.finish()[0] ?? newTestNode('root', 'main');
  }
}

/**
 * kunit.py's bubble_up_test_results for one node. Counts already on the node (a parser that counted a
 * crash for a missing subtest on the parent, or parse issues) are kept and added to.
 */
export function bubbleUp(node: TestNode): void {
  for (const child of node.subtests) addCounts(node.counts, child.counts);
  if (totalTests(node.counts) === 0) addStatus(node.counts, node.status);
  else if (aggregateStatus(node.counts) === 'TEST_CRASHED') node.status = 'TEST_CRASHED';
  if (node.status === 'FAILURE' && aggregateStatus(node.counts) === 'SUCCESS')
    addStatus(node.counts, 'FAILURE');
}

/** Convenience: fold a finished list of events into the root node. */
export function buildTree(events: Iterable<RunEvent>): TestNode {
  const builder = new TreeBuilder();
  for (const event of events) builder.push(event);
  return builder.root();
}
