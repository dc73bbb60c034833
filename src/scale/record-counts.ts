/**
 * Counts of a record rebuilt from its tests, for records vmunit assembles itself (a merge): tests are
 * counted by verdict, so a MISS is "missing" and not "failed"; checks by summing each test's own counts.
 */

import { emptyLevelCounts, sumCounts } from '../record/counts.js';
import type { LevelCounts, RunRecord, Verdict } from '../record/types.js';

const BUCKET: Readonly<Record<Verdict, Exclude<keyof LevelCounts, 'total'>>> = {
  PASS: 'passed',
  FAIL: 'failed',
  SKIP: 'skipped',
  ERROR: 'errors',
  MISS: 'missing',
};

export function recountRecord(record: RunRecord): RunRecord {
  const tests = emptyLevelCounts();
  for (const t of record.tests) {
    tests[BUCKET[t.verdict]]++;
    tests.total++;
  }
  return { ...record, counts: { tests, checks: sumCounts(record.tests.map((t) => t.counts)) } };
}
