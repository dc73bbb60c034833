/**
 * `vmunit compare BASE NEW…`: what changed between a baseline record and one or more new ones. Tests are
 * matched by name, checks by their path of names inside the test. Pure: records in, a comparison out;
 * compare-format.ts renders it.
 *
 * With several NEW records (re-runs of the same code), a test whose verdict differs between them is flaky:
 * it is listed as such and not as a regression or a fix, since neither side of the change is settled.
 */

import { verdictChangeKind } from '../record/changes.js';
import type { RecordCheck, RecordTest, RunRecord, Verdict } from '../record/types.js';

export interface VerdictChange {
  readonly name: string;
  readonly from: Verdict;
  readonly to: Verdict;
  readonly reason?: string;
}

export interface CheckChange {
  readonly test: string;
  /** Names from the test down, joined with ' / '. */
  readonly check: string;
  readonly from?: string;
  readonly to?: string;
}

export interface FlakyTest {
  readonly name: string;
  /** The verdict in each NEW record, in argument order ('absent' when a record lacks the test). */
  readonly verdicts: readonly (Verdict | 'absent')[];
}

export interface Comparison {
  readonly regressions: readonly VerdictChange[];
  readonly fixes: readonly VerdictChange[];
  /** Other verdict changes (PASS → SKIP, SKIP → FAIL is a regression only from PASS). */
  readonly changed: readonly VerdictChange[];
  readonly added: readonly { readonly name: string; readonly verdict: Verdict }[];
  readonly vanished: readonly { readonly name: string; readonly verdict: Verdict }[];
  readonly flaky: readonly FlakyTest[];
  /** Check-level changes inside tests present on both sides (first NEW record). */
  readonly checks: readonly CheckChange[];
  readonly counts: { readonly base: number; readonly new: readonly number[] };
}

function byName(r: RunRecord): Map<string, RecordTest> {
  return new Map(r.tests.map((t) => [t.name, t]));
}

/** Leaf and parent checks by path, with their status (and directive, so an XFAIL is not a plain pass). */
function checkStatuses(test: RecordTest): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (checks: readonly RecordCheck[], prefix: string): void => {
    for (const c of checks) {
      const path = prefix === '' ? c.name : `${prefix} / ${c.name}`;
      const status = c.directive === undefined ? c.status : `${c.status} (${c.directive.kind})`;
      // A guest may print the same check name twice; keep both, numbered.
      let key = path;
      for (let n = 2; out.has(key); n++) key = `${path} #${n}`;
      out.set(key, status);
      walk(c.checks ?? [], path);
    }
  };
  walk(test.checks, '');
  return out;
}

function checkChanges(base: RecordTest, now: RecordTest): CheckChange[] {
  const a = checkStatuses(base);
  const b = checkStatuses(now);
  const changes: CheckChange[] = [];
  for (const [check, from] of a) {
    const to = b.get(check);
    if (to !== from) changes.push({ test: base.name, check, from, ...(to === undefined ? {} : { to }) });
  }
  for (const [check, to] of b) if (!a.has(check)) changes.push({ test: base.name, check, to });
  return changes;
}

function classify(name: string, from: Verdict, to: RecordTest, into: Mutable): void {
  const kind = verdictChangeKind(from, to.verdict);
  if (kind === undefined) return;
  const change = { name, from, to: to.verdict, ...(to.reason === undefined ? {} : { reason: to.reason }) };
  (kind === 'regression' ? into.regressions : kind === 'fix' ? into.fixes : into.changed).push(change);
}

type Lists = Omit<Comparison, 'counts'>;
type Mutable = { -readonly [K in keyof Lists]: Lists[K] extends readonly (infer T)[] ? T[] : never };

/** Compares BASE with NEW records (at least one). */
export function compareRecords(base: RunRecord, news: readonly RunRecord[]): Comparison {
  const out: Mutable = {
    regressions: [],
    fixes: [],
    changed: [],
    added: [],
    vanished: [],
    flaky: [],
    checks: [],
  };
  const baseTests = byName(base);
  const newTests = news.map(byName);
  const names = [...new Set([...base.tests, ...news.flatMap((r) => r.tests)].map((t) => t.name))];
  for (const name of names) {
    const seen = newTests.map((m) => m.get(name));
    const verdicts = seen.map((t) => t?.verdict ?? 'absent');
    const before = baseTests.get(name);
    if (new Set(verdicts).size > 1) {
      out.flaky.push({ name, verdicts });
      continue;
    }
    const now = seen[0];
    if (before === undefined) {
      if (now !== undefined) out.added.push({ name, verdict: now.verdict });
      continue;
    }
    if (now === undefined) {
      out.vanished.push({ name, verdict: before.verdict });
      continue;
    }
    classify(name, before.verdict, now, out);
    out.checks.push(...checkChanges(before, now));
  }
  return {
    ...out,
    counts: { base: base.tests.length, new: news.map((r) => r.tests.length) },
  };
}

/** compare's exit status: 1 on a regression or a vanished test, else 0. */
export function comparisonStatus(c: Comparison): number {
  return c.regressions.length > 0 || c.vanished.length > 0 ? 1 : 0;
}
