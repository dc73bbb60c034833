/**
 * How a test's verdict changed between two records: the one rule `vmunit compare` and the HTML report's
 * `--baseline` marks share.
 */

import type { Verdict } from './types.js';

/** Verdicts that mean "the code is broken" (MISS: it did not even run). */
export const BAD_VERDICTS: ReadonlySet<Verdict> = new Set(['FAIL', 'ERROR', 'MISS']);

export function isBadVerdict(verdict: Verdict): boolean {
  return BAD_VERDICTS.has(verdict);
}

/** regression: PASS → a bad verdict; fix: a bad verdict → PASS; changed: anything else that differs. */
export type VerdictChangeKind = 'regression' | 'fix' | 'changed';

/** The kind of change from `from` to `to`, or undefined when the verdict is the same. */
export function verdictChangeKind(from: Verdict, to: Verdict): VerdictChangeKind | undefined {
  if (from === to) return undefined;
  if (from === 'PASS' && isBadVerdict(to)) return 'regression';
  if (isBadVerdict(from) && to === 'PASS') return 'fix';
  return 'changed';
}
