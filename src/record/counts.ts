/**
 * The record's two count levels and its verdict vocabulary, derived from kunit.py-style statuses in one
 * place: SUCCESS → PASS/passed (expected failures included), FAILURE → FAIL/failed, SKIPPED and NO_TESTS →
 * SKIP/skipped, TEST_CRASHED and FAILURE_TO_PARSE_TESTS → ERROR/errors.
 */

import type { TestStatus } from '../events/types.js';
import type { LevelCounts, Verdict } from './types.js';

type Bucket = Exclude<keyof LevelCounts, 'total'>;

const BUCKET: Readonly<Record<TestStatus, Bucket>> = {
  SUCCESS: 'passed',
  FAILURE: 'failed',
  SKIPPED: 'skipped',
  NO_TESTS: 'skipped',
  TEST_CRASHED: 'errors',
  FAILURE_TO_PARSE_TESTS: 'errors',
};

const VERDICT: Readonly<Record<Bucket, Verdict>> = {
  passed: 'PASS',
  failed: 'FAIL',
  skipped: 'SKIP',
  errors: 'ERROR',
  missing: 'MISS',
};

export function verdictOf(status: TestStatus): Verdict {
  return VERDICT[BUCKET[status]];
}

export function emptyLevelCounts(): LevelCounts {
  return { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, missing: 0 };
}

/** Counts of a list of statuses. */
export function countsOf(statuses: Iterable<TestStatus>): LevelCounts {
  const c = emptyLevelCounts();
  for (const s of statuses) {
    c[BUCKET[s]]++;
    c.total++;
  }
  return c;
}

export function sumCounts(list: Iterable<LevelCounts>): LevelCounts {
  const c = emptyLevelCounts();
  for (const x of list) {
    c.total += x.total;
    c.passed += x.passed;
    c.failed += x.failed;
    c.skipped += x.skipped;
    c.errors += x.errors;
    c.missing += x.missing;
  }
  return c;
}

/** `87 tests (28 passed, 21 failed, 38 skipped), 1136 checks (976 passed, 104 failed, 56 skipped)`. */
export function formatLevelCounts(counts: { tests: LevelCounts; checks: LevelCounts }): string {
  const level = (c: LevelCounts, noun: string): string => {
    const parts = (['passed', 'failed', 'skipped', 'errors', 'missing'] as const)
      .filter((k) => c[k] > 0)
      .map((k) => `${c[k]} ${k}`);
    return `${c.total} ${noun}${parts.length === 0 ? '' : ` (${parts.join(', ')})`}`;
  };
  return `${level(counts.tests, 'tests')}, ${level(counts.checks, 'checks')}`;
}
