/**
 * Streaming counts: kunit.py's bubble-up applied as results arrive, keeping only the *open* tests (memory
 * O(depth), not O(tests)), so the console reporter and the parser can know every finished test's final
 * status and the run's summary without building the tree. TreeBuilder applies the same rules to a full tree.
 *
 * Optionally remembers the names of non-ok tests (only those) for kunit.py's `Failures:` summary.
 */

import { OpenTests } from '../events/open-tests.js';
import type { RunEvent, TestStatus } from '../events/types.js';
import { addCounts, addStatus, emptyCounts, ensureCounts, isOkStatus, type TestCounts } from './model.js';
import { type StatusRule, settleLeaf, settleStatus, TEST_STATUSES } from './status.js';

/** A non-ok test kept for the failure summary. */
export interface FailedNode {
  /** Number of non-ok children; only the first MAX_FAILED_KEPT are kept in `failedChildren`. */
  readonly failedCount: number;
  readonly name: string;
  /** Number of finished children (all, not only failed ones). */
  readonly childCount: number;
  readonly failedChildren: readonly FailedNode[];
}

/** What the tracker reports when a test finishes. */
export interface FinishedTest {
  readonly id: string;
  readonly name: string;
  /** Final kunit.py status (crash override applied; for roots, the counts' status). */
  readonly status: TestStatus;
  /** The test's counts (subtree and own errors). Shared and frozen for leaves: do not modify. */
  readonly counts: Readonly<TestCounts>;
  readonly isRoot: boolean;
  /** The root's failure tree (only with `trackFailures`, only for roots). */
  readonly failures?: FailedNode;
}

interface OpenNode {
  readonly parentId: string | null;
  /** Own errors plus finished children's counts; allocated on first use (most tests are leaves). */
  counts: TestCounts | undefined;
  childCount: number;
  failedChildren: FailedNode[] | undefined;
  failedCount: number;
}

export interface CountTrackerOptions extends StatusRule {
  /** Keep failed tests' names for `Failures:` (costs memory per failed test). */
  readonly trackFailures?: boolean;
}

const NO_FAILURES: readonly FailedNode[] = [];

/** The counts of a leaf with each status (kunit.py's add_status on empty counts): constant, frozen. */
const LEAF_COUNTS: ReadonlyMap<TestStatus, Readonly<TestCounts>> = new Map(
  TEST_STATUSES.map((status) => {
    const c = emptyCounts();
    addStatus(c, status);
    return [status, Object.freeze(c)] as const;
  }),
);

/**
 * More than 10 failed children name more than 10 tests unless the parent is summarized by its own name
 * (all children failed), and kunit.py prints nothing past 10 names: so the 11th and later are only
 * counted. This keeps the failure summary's memory bounded on huge failing runs.
 */
const MAX_FAILED_KEPT = 11;

function addFailed(node: OpenNode, failed: FailedNode): void {
  node.failedCount++;
  if (node.failedCount > MAX_FAILED_KEPT) return;
  if (node.failedChildren === undefined) node.failedChildren = [];
  node.failedChildren.push(failed);
}

function leafCounts(status: TestStatus): Readonly<TestCounts> {
  return LEAF_COUNTS.get(status) ?? emptyCounts();
}

export class CountTracker {
  readonly #open = new OpenTests<OpenNode>();
  readonly #trackFailures: boolean;
  #bubble: StatusRule;
  readonly #explicitBubble: boolean;

  constructor(options: CountTrackerOptions = {}) {
    this.#trackFailures = options.trackFailures ?? false;
    this.#bubble = { parentFailure: options.parentFailure ?? false };
    // Without an explicit rule, the run:start event's rules apply (as in TreeBuilder).
    this.#explicitBubble = options.parentFailure !== undefined;
  }

  /** True while the test is started and not finished. */
  isOpen(id: string): boolean {
    return this.#open.has(id);
  }

  /** Applies one event; returns the finished test for `test:result` of an open test. */
  push(event: RunEvent): FinishedTest | undefined {
    switch (event.type) {
      case 'run:start':
        if (!this.#explicitBubble && event.rules)
          this.#bubble = { parentFailure: event.rules.parentFailure ?? false };
        return undefined;
      case 'test:start':
        this.#open.set(event.id, {
          parentId: event.parentId,
          counts: undefined,
          childCount: 0,
          failedChildren: undefined,
          failedCount: 0,
        });
        return undefined;
      case 'parse:issue': {
        const node = this.#open.get(event.id);
        if (node) ensureCounts(node).errors++;
        return undefined;
      }
      case 'test:result':
        return this.#finish(event.id, event.name, event.status);
      default:
        return undefined;
    }
  }

  /**
   * `count` passing test cases of the parser's fast lane (fast-leaf.ts), as their test:start and
   * test:result would count them; false when the parent is not open (then nothing was counted).
   */
  passedLeaves(parentId: string, count: number): boolean {
    const parent = this.#open.get(parentId);
    if (parent === undefined) return false;
    addStatus(ensureCounts(parent), 'SUCCESS', count);
    parent.childCount += count;
    return true;
  }

  #finish(id: string, name: string, reported: TestStatus): FinishedTest | undefined {
    const node = this.#open.get(id);
    if (!node) return undefined;
    this.#open.delete(id);
    const parent = node.parentId === null ? undefined : this.#open.get(node.parentId);
    const isRoot = parent === undefined;
    if (node.counts === undefined && parent) {
      // A leaf (nothing counted below, no errors): settled into the parent's counts, allocation-free.
      const status = settleLeaf(ensureCounts(parent), reported);
      parent.childCount++;
      if (this.#trackFailures && !isOkStatus(status)) {
        addFailed(parent, { name, childCount: 0, failedCount: 0, failedChildren: NO_FAILURES });
      }
      return { id, name, status, counts: leafCounts(status), isRoot: false };
    }
    const counts = node.counts ?? emptyCounts();
    const status = settleStatus(counts, reported, isRoot, this.#bubble);
    const failed: FailedNode | undefined =
      this.#trackFailures && !isOkStatus(status)
        ? {
            name,
            childCount: node.childCount,
            failedCount: node.failedCount,
            failedChildren: node.failedChildren ?? NO_FAILURES,
          }
        : undefined;
    if (parent) {
      addCounts(ensureCounts(parent), counts);
      parent.childCount++;
      if (failed) addFailed(parent, failed);
    }
    const finished: { -readonly [K in keyof FinishedTest]: FinishedTest[K] } = {
      id,
      name,
      status,
      counts,
      isRoot,
    };
    if (isRoot && this.#trackFailures) {
      finished.failures = failed ?? {
        name,
        childCount: node.childCount,
        failedCount: 0,
        failedChildren: NO_FAILURES,
      };
    }
    return finished;
  }
}

/**
 * kunit.py's `_summarize_failed_tests`: dotted names of failing leaves; a non-root parent whose children all
 * failed is named instead of them; '' when more than 10 names (too noisy).
 */
export function summarizeFailures(root: FailedNode): string {
  const names: string[] = [];
  let tooMany = false;
  const visit = (node: FailedNode, parentName: string): void => {
    const full = !parentName || parentName === 'main' ? node.name : `${parentName}.${node.name}`;
    if (node.childCount === 0 || (parentName && node.failedCount === node.childCount)) {
      names.push(full);
      return;
    }
    // Children beyond those kept would add more than 10 names: kunit.py then prints nothing.
    if (node.failedCount > node.failedChildren.length) tooMany = true;
    for (const child of node.failedChildren) visit(child, full);
  };
  visit(root, '');
  return tooMany || names.length > 10 ? '' : `Failures: ${names.join(', ')}`;
}
