/**
 * Folds `RunEvent`s into a `TestNode` tree. Pure and incremental: reporters that need the whole tree (JSON,
 * JUnit, HTML) feed it every event and read `root()` at the end; it works with interleaved events from
 * concurrent producers because it keys on ids.
 *
 * Counting follows kunit.py's `bubble_up_test_results` (Linux 6.12, the reference of the conformance
 * checks), applied when a node's result arrives:
 * - children's counts are summed into the parent (errors included);
 * - a node whose subtree counted nothing contributes its own status (a leaf, or an empty parent);
 * - a subtree with a crash makes the node TEST_CRASHED (the only status override).
 * Newer kunit.py (2025-12, "Don't overwrite test status based on subtest counts") also counts one synthetic
 * failure for a `not ok` parent whose children all passed; `{ parentFailure: true }` turns that on.
 * The root never gets a result line in KTAP: `finish()` bubbles it and derives its status from its counts.
 * A producer should still emit a `test:result` for its root: NO_TESTS when nothing ran and
 * FAILURE_TO_PARSE_TESTS when no KTAP was found (both kept as is; the latter is not counted, as kunit.py
 * never bubbles it), any other status (replaced by the counts' status). A root with no result and no
 * children counts as crashed.
 */

import type { RunEvent, RunStartEvent, TestStatus } from '../events/types.js';
import {
  addCounts,
  addStatus,
  aggregateStatus,
  newTestNode,
  type TestCounts,
  type TestNode,
  totalTests,
} from './model.js';

/** Counting options shared by TreeBuilder and CountTracker. */
export interface BubbleOptions {
  /** Count a synthetic failure for a FAILURE parent whose subtree passed (kunit.py after 6.12). */
  readonly parentFailure?: boolean;
}

export class TreeBuilder {
  #options: BubbleOptions;
  readonly #explicit: boolean;
  readonly #nodes = new Map<string, TestNode>();
  readonly #roots: TestNode[] = [];
  readonly #finished = new Set<string>();
  #runStart: RunStartEvent | undefined;
  #interrupted = false;
  #elapsedMs: number | undefined;

  /** Without `options`, the rules of the run:start event apply (kunit.py 6.12's when it has none). */
  constructor(options?: BubbleOptions) {
    this.#options = options ?? {};
    this.#explicit = options !== undefined;
  }

  /** Applies one event. Events for unknown ids are ignored (a producer bug must not crash a reporter). */
  push(event: RunEvent): void {
    switch (event.type) {
      case 'run:start':
        this.#runStart ??= event;
        if (!this.#explicit && event.rules) this.#options = event.rules;
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
    if (event.failures) node.failures.push(...event.failures);
    // kunit.py never bubbles a root that found no KTAP: its counts keep only the error.
    if (!(event.status === 'FAILURE_TO_PARSE_TESTS' && this.#roots.includes(node)))
      bubbleUp(node, this.#options);
    this.#finished.add(event.id);
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
    if (!this.#finished.has(node.id)) {
      for (const child of node.subtests) this.#finishNode(child, false);
      bubbleUp(node, this.#options);
      this.#finished.add(node.id);
    }
    if (isRoot) node.status = rootStatus(node.counts, node.status);
  }

  /** The first root, or an empty "main" node when nothing was started. */
  root(): TestNode {
    return this.finish()[0] ?? newTestNode('root', 'main');
  }
}

/**
 * kunit.py's bubble_up_test_results on counts that already include the children's: a node that counted
 * nothing adds its own status; a crash below makes it TEST_CRASHED. Returns the node's new status.
 */
export function applyBubbleUp(
  counts: TestCounts,
  status: TestStatus,
  options: BubbleOptions = {},
): TestStatus {
  let result = status;
  if (totalTests(counts) === 0) addStatus(counts, status);
  else if (aggregateStatus(counts) === 'TEST_CRASHED') result = 'TEST_CRASHED';
  if (options.parentFailure && status === 'FAILURE' && aggregateStatus(counts) === 'SUCCESS')
    addStatus(counts, 'FAILURE');
  return result;
}

/**
 * kunit.py's parse_run_tests: the main test's status is its counts' status, unless it ran nothing
 * (NO_TESTS) or no KTAP was found (FAILURE_TO_PARSE_TESTS).
 */
export function rootStatus(counts: TestCounts, status: TestStatus): TestStatus {
  return status === 'NO_TESTS' || status === 'FAILURE_TO_PARSE_TESTS' ? status : aggregateStatus(counts);
}

/**
 * kunit.py's bubble_up_test_results for one node. Counts already on the node (a parser that counted a
 * crash for a missing subtest on the parent, or parse issues) are kept and added to.
 */
export function bubbleUp(node: TestNode, options: BubbleOptions = {}): void {
  for (const child of node.subtests) addCounts(node.counts, child.counts);
  node.status = applyBubbleUp(node.counts, node.status, options);
}

/** Convenience: fold a finished list of events into the root node. */
export function buildTree(events: Iterable<RunEvent>, options: BubbleOptions = {}): TestNode {
  const builder = new TreeBuilder(options);
  for (const event of events) builder.push(event);
  return builder.root();
}
