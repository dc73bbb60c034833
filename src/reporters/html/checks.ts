/**
 * Which checks a test shows inline. A guest can print thousands of report lines, so the page shows every
 * failing check first (up to a cap), then the first few others in order, and counts the rest; the log file
 * has them all. Nested checks (a KUnit suite's cases and parameters) are flattened to their leaves, named
 * by their path.
 */

import type { TestStatus } from '../../events/types.js';
import { isFailingStatus } from '../../ktap/status.js';
import type { RecordCheck } from '../../record/types.js';

export interface CheckLimits {
  /** Failing checks shown; beyond that they are only counted. */
  readonly failing: number;
  /** Other checks shown, in order, after the failing ones. */
  readonly others: number;
}

export const CHECK_LIMITS: CheckLimits = { failing: 100, others: 20 };

export interface ShownCheck {
  readonly path: readonly string[];
  readonly check: RecordCheck;
  readonly failing: boolean;
}

export interface CheckSelection {
  readonly shown: readonly ShownCheck[];
  /** Checks left out, by status (failing ones included when over the cap). */
  readonly hidden: Readonly<Partial<Record<TestStatus, number>>>;
  readonly hiddenTotal: number;
}

/** A check's place in the tree, shared with its siblings, so deep nesting costs no path copies. */
export interface CheckPath {
  readonly name: string;
  readonly parent: CheckPath | undefined;
}

export function pathNames(path: CheckPath | undefined): string[] {
  const names: string[] = [];
  for (let p = path; p !== undefined; p = p.parent) names.push(p.name);
  return names.reverse();
}

/** A check found by `flattenChecks`, with its path not yet spelled out. */
export interface FoundCheck {
  readonly at: CheckPath;
  readonly check: RecordCheck;
  readonly failing: boolean;
}

interface Frame {
  readonly list: readonly RecordCheck[];
  i: number;
  readonly at: CheckPath | undefined;
  /** The check whose children these are; undefined at the top. */
  readonly owner: RecordCheck | undefined;
  sawFailing: boolean;
}

/**
 * Leaves in order, plus any parent that failed with no failing leaf below it (a suite that crashed before
 * its cases), right after its children, so no failure is invisible. Iterative and linear: nesting depth
 * comes from guest output.
 */
export function* flattenChecks(checks: readonly RecordCheck[]): Generator<FoundCheck> {
  const stack: Frame[] = [{ list: checks, i: 0, at: undefined, owner: undefined, sawFailing: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    const check = top.list[top.i++];
    if (check === undefined) {
      stack.pop();
      const parent = stack[stack.length - 1];
      let sawFailing = top.sawFailing;
      if (top.owner && top.at && !sawFailing && isFailingStatus(top.owner.status)) {
        yield { at: top.at, check: top.owner, failing: true };
        sawFailing = true;
      }
      if (parent && sawFailing) parent.sawFailing = true;
      continue;
    }
    const at: CheckPath = { name: check.name, parent: top.at };
    const children = check.checks ?? [];
    if (children.length > 0) {
      stack.push({ list: children, i: 0, at, owner: check, sawFailing: false });
      continue;
    }
    const failing = isFailingStatus(check.status);
    if (failing) top.sawFailing = true;
    yield { at, check, failing };
  }
}

/** The checks to show for one test: failing first, then the first others, with counts of the rest. */
export function selectChecks(
  checks: readonly RecordCheck[],
  limits: CheckLimits = CHECK_LIMITS,
): CheckSelection {
  const failing: ShownCheck[] = [];
  const others: ShownCheck[] = [];
  const hidden: Partial<Record<TestStatus, number>> = {};
  let hiddenTotal = 0;
  for (const item of flattenChecks(checks)) {
    const list = item.failing ? failing : others;
    if (list.length < (item.failing ? limits.failing : limits.others))
      list.push({ path: pathNames(item.at), check: item.check, failing: item.failing });
    else {
      hidden[item.check.status] = (hidden[item.check.status] ?? 0) + 1;
      hiddenTotal++;
    }
  }
  return { shown: [...failing, ...others], hidden, hiddenTotal };
}
