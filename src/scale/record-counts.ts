/**
 * Counts of a record rebuilt from its tests, for records vmunit assembles itself (a merge): tests are
 * counted by verdict (a MISS is "missing", not "failed"), checks by summing each test's own counts.
 */

import type { LevelCounts, RunRecord, Verdict } from '../record/types.js';

const BUCKET: Readonly<Record<Verdict, Exclude<keyof LevelCounts, 'total'>>> = {
  PASS: 'passed',
  FAIL: 'failed',
  SKIP: 'skipped',
  ERROR: 'errors',
  MISS: 'missing',
};

export function recountRecord(record: RunRecord): RunRecord {
  const tests: LevelCounts = { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, missing: 0 };
  const checks: LevelCounts = { ...tests };
  for (const t of record.tests) {
    tests[BUCKET[t.verdict]]++;
    tests.total++;
    for (const key of Object.keys(checks) as (keyof LevelCounts)[]) checks[key] += t.counts[key];
  }
  return { ...record, counts: { tests, checks } };
}
