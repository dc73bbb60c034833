/**
 * The result model: a tree of `TestNode`s built by folding `RunEvent`s (see tree.ts), with kunit.py's
 * counting rules (kunit_parser.TestCounts); the status rule built on them is status.ts.
 */

import type { FailureDetail, TestDirective, TestStatus } from '../events/types.js';

/** Per-node counters, summed over the subtree. `errors` are parse issues; they never change a status. */
export interface TestCounts {
  passed: number;
  failed: number;
  crashed: number;
  skipped: number;
  errors: number;
}

/** A node of the result tree. The root is named "main" for parsed KTAP, as in kunit.py. */
export interface TestNode {
  id: string;
  name: string;
  status: TestStatus;
  directive: TestDirective | undefined;
  /** Number printed on the result line, if any. */
  number: number | undefined;
  /** Children count announced by the plan; undefined when there was no plan. */
  expectedCount: number | undefined;
  subtests: TestNode[];
  /** Diagnostic and unknown lines belonging to this test, in input order. */
  log: string[];
  attributes: Record<string, string>;
  /** Parse problems recorded on this node (kunit.py's `add_error` messages). */
  issues: string[];
  counts: TestCounts;
  durationMs: number | undefined;
  reason: string | undefined;
  failures: FailureDetail[];
  /** True when the node had a version line, a `# Subtest:` header or a plan (a parent, even if empty). */
  isSuite: boolean;
}

export function emptyCounts(): TestCounts {
  return { passed: 0, failed: 0, crashed: 0, skipped: 0, errors: 0 };
}

/** The holder's counts, created empty on first use (most tests are leaves and never need their own). */
export function ensureCounts(holder: { counts: TestCounts | undefined }): TestCounts {
  if (holder.counts === undefined) holder.counts = emptyCounts();
  return holder.counts;
}

/** passed + failed + crashed + skipped; errors are not tests. */
export function totalTests(c: TestCounts): number {
  return c.passed + c.failed + c.crashed + c.skipped;
}

/** Adds `count` finished tests of one status to counts (kunit_parser.TestCounts.add_status, `count` times). */
export function addStatus(c: TestCounts, status: TestStatus, count = 1): void {
  switch (status) {
    case 'SUCCESS':
      c.passed += count;
      return;
    case 'FAILURE':
      c.failed += count;
      return;
    case 'SKIPPED':
      c.skipped += count;
      return;
    case 'NO_TESTS':
      return;
    case 'TEST_CRASHED':
    case 'FAILURE_TO_PARSE_TESTS':
      c.crashed += count;
      return;
  }
}

/** Field-wise sum, errors included. */
export function addCounts(into: TestCounts, from: TestCounts): void {
  into.passed += from.passed;
  into.failed += from.failed;
  into.crashed += from.crashed;
  into.skipped += from.skipped;
  into.errors += from.errors;
}

/** kunit.py's `ok_status()`: a run whose root is SUCCESS or SKIPPED is a success. */
export function isOkStatus(status: TestStatus): boolean {
  return status === 'SUCCESS' || status === 'SKIPPED';
}

/** `Ran N tests: passed: 9, failed: 1` — kunit.py's TestCounts.__str__ (trailing space when all zero). */
export function formatCounts(c: TestCounts): string {
  const parts: string[] = [];
  for (const key of ['passed', 'failed', 'crashed', 'skipped', 'errors'] as const) {
    if (c[key] > 0) parts.push(`${key}: ${c[key]}`);
  }
  return `Ran ${totalTests(c)} tests: ${parts.join(', ')}`;
}

/**
 * Shared empty values of a fresh node: most nodes are leaves without logs, issues, failures or attributes,
 * and a million-case tree should not hold four million empty arrays. Frozen, so a writer that forgets to
 * give the node its own (TreeBuilder does, on first write) fails loudly instead of writing into all nodes.
 */
const NO_LINES: string[] = Object.freeze([]) as unknown as string[];
const NO_FAILURES: FailureDetail[] = Object.freeze([]) as unknown as FailureDetail[];
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * A fresh node with kunit.py's defaults (status starts as TEST_CRASHED: a test that never ends crashed).
 * `log`, `issues`, `failures` and `attributes` start as shared frozen empties: assign new ones to write.
 */
export function newTestNode(id: string, name: string): TestNode {
  return {
    id,
    name,
    status: 'TEST_CRASHED',
    directive: undefined,
    number: undefined,
    expectedCount: undefined,
    subtests: [],
    log: NO_LINES,
    attributes: NO_ATTRIBUTES,
    issues: NO_LINES,
    counts: emptyCounts(),
    durationMs: undefined,
    reason: undefined,
    failures: NO_FAILURES,
    isSuite: false,
  };
}
