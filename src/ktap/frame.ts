/**
 * One open test of the KTAP parser: the state of one invocation of kunit.py's recursive `parse_test`, made
 * explicit so the parser can be driven a line at a time (and so nesting depth costs heap, not stack).
 */

import type { TestDirective, TestStatus } from '../events/types.js';
import type { TestCounts } from './model.js';
import type { KunitRules } from './rules.js';

/**
 * Where a frame is in kunit.py's `parse_test`, in order:
 * leadDiag (main: lines before the version line) → version (`KTAP version`) → mainDiag (main) |
 * subtestHeader (`# Subtest:`) → headerDiag → plan (`1..N`) → [loopCheck → loopDiag → loopDecide →
 * child frames]* → endDiag → result (the test's own result line) → finish.
 */
export type Phase =
  | 'leadDiag'
  | 'version'
  | 'mainDiag'
  | 'subtestHeader'
  | 'headerDiag'
  | 'plan'
  | 'loopCheck'
  | 'loopDiag'
  | 'loopDecide'
  | 'waitChild'
  | 'endDiag'
  | 'result'
  | 'finish';

/** A diagnostic line waiting to be attributed to a test. */
export interface PendingLine {
  readonly text: string;
  readonly lineNo: number;
}

export interface Frame {
  readonly isMain: boolean;
  readonly id: string;
  readonly parentId: string | null;
  readonly depth: number;
  /** Position within the parent (kunit.py's expected_num); 0 for main. */
  readonly index: number;
  /**
   * Position among all the parent's children, test:start's index: `index` after the children of the root's
   * earlier KTAP documents (`blocks: 'all'`), where numbers start at 1 again.
   */
  readonly order: number;
  /** test:start was emitted (always true for an embedded main, whose node belongs to the caller). */
  started: boolean;
  name: string;
  phase: Phase;
  /** Diagnostics read before the test was known to exist (kunit.py's `sub_log`), emitted at start. */
  preLog: PendingLine[];
  versionIssue: { message: string; lineNo: number } | undefined;
  hadVersionLine: boolean;
  parentTest: boolean;
  /** The plan: null when absent (kunit.py's None). */
  expectedCount: number | null;
  testNum: number;
  /** The root's children in earlier KTAP documents (`blocks: 'all'`); 0 for any other frame. */
  blockBase: number;
  subtests: number;
  /** Diagnostics read in the subtest loop, attributed once the next structural line is seen. */
  subLog: PendingLine[];
  status: TestStatus;
  /** Counts of finished children (allocated when the first one finishes); undefined for a leaf. */
  counts: TestCounts | undefined;
  /** Parse issues recorded on this test. */
  errors: number;
  number: number | undefined;
  directive: TestDirective | undefined;
}

export function newFrame(init: {
  isMain: boolean;
  id: string;
  parentId: string | null;
  depth: number;
  index: number;
  order: number;
  started: boolean;
  preLog: PendingLine[];
}): Frame {
  // Every field written out (no spread): frames are created per test and must share one hidden class.
  return {
    isMain: init.isMain,
    id: init.id,
    parentId: init.parentId,
    depth: init.depth,
    index: init.index,
    order: init.order,
    started: init.started,
    preLog: init.preLog,
    name: init.isMain ? 'main' : '',
    phase: init.isMain ? 'leadDiag' : 'version',
    versionIssue: undefined,
    hadVersionLine: false,
    parentTest: init.isMain,
    expectedCount: null,
    testNum: 1,
    blockBase: 0,
    subtests: 0,
    subLog: [],
    status: 'TEST_CRASHED',
    counts: undefined,
    errors: 0,
    number: undefined,
    directive: undefined,
  };
}

/** kunit.py's check_version: the error for a version outside the accepted range, if any. */
export function versionProblem(
  kind: 'KTAP' | 'TAP',
  version: string,
  rules: Pick<KunitRules, 'versionTypo'>,
): string | undefined {
  const n = Number(version);
  const [min, max] = kind === 'KTAP' ? [1, 1] : [13, 14];
  if (n < min) return `${kind} version lower than expected!`;
  if (n > max) return `${kind} version ${rules.versionTypo ? 'higer' : 'higher'} than expected!`;
  return undefined;
}
