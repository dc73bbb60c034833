/**
 * The one status rule: how a test's final status follows from its own status and its subtree's counts.
 * Everything that decides a status (the parser, TreeBuilder, CountTracker, the guest runner's root, the unit
 * library's suites) calls these functions; test/ktap/status.test.ts pins them as a table.
 *
 * The reference is kunit.py (Linux 6.12, kunit_parser.py): `TestCounts.get_status` for precedence,
 * `bubble_up_test_results` for a finished test, `parse_run_tests` for the root. Mainline kunit.py (2025-12,
 * "Don't overwrite test status based on subtest counts") also counts one synthetic failure for a `not ok`
 * parent whose children all passed: `{ parentFailure: true }` selects that variant.
 */

import type { TestStatus } from '../events/types.js';
import { addStatus, emptyCounts, type TestCounts, totalTests } from './model.js';

/** Every status, in kunit_parser.TestStatus order. */
export const TEST_STATUSES: readonly TestStatus[] = [
  'SUCCESS',
  'FAILURE',
  'SKIPPED',
  'TEST_CRASHED',
  'NO_TESTS',
  'FAILURE_TO_PARSE_TESTS',
];

const FAILING: ReadonlySet<TestStatus> = new Set(['FAILURE', 'TEST_CRASHED', 'FAILURE_TO_PARSE_TESTS']);

/** A verdict that fails the run: KTAP's `not ok` (NO_TESTS and SKIPPED do not). */
export function isFailingStatus(status: TestStatus): boolean {
  return FAILING.has(status);
}

/** Which variant of the rule applies. */
export interface StatusRule {
  /** Count a synthetic failure for a FAILURE parent whose subtree passed (kunit.py after 6.12). */
  readonly parentFailure?: boolean;
}

/**
 * Precedence (kunit_parser.TestCounts.get_status): no tests → NO_TESTS; any crash → TEST_CRASHED; any
 * failure → FAILURE; any pass → SUCCESS; else SKIPPED.
 */
export function aggregateStatus(c: TestCounts): TestStatus {
  if (totalTests(c) === 0) return 'NO_TESTS';
  if (c.crashed > 0) return 'TEST_CRASHED';
  if (c.failed > 0) return 'FAILURE';
  if (c.passed > 0) return 'SUCCESS';
  return 'SKIPPED';
}

/** The counts of a list of finished tests' statuses (add_status on each). */
export function countStatuses(statuses: Iterable<TestStatus>): TestCounts {
  const counts = emptyCounts();
  for (const s of statuses) addStatus(counts, s);
  return counts;
}

/**
 * bubble_up_test_results on counts that already include the children's: a test that counted nothing adds
 * its own status; a crash below makes it TEST_CRASHED (the only override). Returns the test's new status.
 */
export function applyBubbleUp(counts: TestCounts, status: TestStatus, rule: StatusRule = {}): TestStatus {
  let result = status;
  if (totalTests(counts) === 0) addStatus(counts, status);
  else if (aggregateStatus(counts) === 'TEST_CRASHED') result = 'TEST_CRASHED';
  if (rule.parentFailure && status === 'FAILURE' && aggregateStatus(counts) === 'SUCCESS')
    addStatus(counts, 'FAILURE');
  return result;
}

/**
 * parse_run_tests: the root's status is its counts' status, unless it ran nothing (NO_TESTS) or no KTAP
 * was found (FAILURE_TO_PARSE_TESTS).
 */
export function rootStatus(counts: TestCounts, status: TestStatus): TestStatus {
  return status === 'NO_TESTS' || status === 'FAILURE_TO_PARSE_TESTS' ? status : aggregateStatus(counts);
}

/**
 * The final status of a finished test whose `counts` hold its children's counts and its own errors; the
 * counts are completed in place. A root that found no KTAP is never bubbled (kunit.py's counts keep the
 * error only).
 */
export function settleStatus(
  counts: TestCounts,
  status: TestStatus,
  isRoot: boolean,
  rule: StatusRule = {},
): TestStatus {
  if (isRoot && status === 'FAILURE_TO_PARSE_TESTS') return status;
  const bubbled = applyBubbleUp(counts, status, rule);
  return isRoot ? rootStatus(counts, bubbled) : bubbled;
}

/**
 * settleStatus for a non-root test that counted nothing below it, written straight into its parent's
 * counts (streaming consumers skip allocating counts for the leaves, which are most tests). Its status
 * stays its own: on empty counts neither the crash override nor the parent-failure variant can apply.
 */
export function settleLeaf(parentCounts: TestCounts, status: TestStatus): TestStatus {
  addStatus(parentCounts, status);
  return status;
}

/**
 * KUnit's in-kernel kunit_suite_has_succeeded, for suites run by the unit library: the rule on the cases'
 * counts, where a crash is a failure (the kernel has no crash status) and a suite with nothing counted is
 * SKIPPED. `failed` marks a suite that failed by itself (init or exit).
 */
export function suiteStatus(cases: Iterable<TestStatus>, failed: boolean): TestStatus {
  const counts = countStatuses(cases);
  counts.failed += counts.crashed + (failed ? 1 : 0);
  counts.crashed = 0;
  const status = aggregateStatus(counts);
  return status === 'NO_TESTS' ? 'SKIPPED' : status;
}
