/**
 * The grammar phases of kunit.py's subtest loop (in parse_test): whether another subtest is due, and at
 * each turn whether the list ended, a planned subtest is missing, or a child test starts (pushed as a new
 * frame). Same contract as phase-header.ts: true when the frame moved on, false when it needs a line.
 */

import { type Frame, newFrame } from './frame.js';
import { nameMatches } from './line-type.js';
import { ensureCounts } from './model.js';
import type { ParseState } from './parse-state.js';
import { leafResult } from './phase-result.js';
import { settleLeaf } from './status.js';

/** The loop's condition: another subtest is due (plan not reached, or no plan). */
export function loopCheck(f: Frame): boolean {
  f.phase =
    f.parentTest && (f.expectedCount === null || f.testNum <= f.expectedCount)
      ? 'loopDiag'
      : f.isMain
        ? 'finish'
        : 'endDiag';
  return true;
}

/** The decision at the top of kunit.py's subtest loop: end of the list, a missing subtest, or a child. */
export function loopDecide(s: ParseState, f: Frame): boolean {
  const p = s.cursor.peek();
  if (p === 'need') return false;
  const atEnd = p === 'eof' || (!f.isMain && nameMatches(p, f.name));
  if (atEnd) {
    if (f.expectedCount && f.testNum <= f.expectedCount) return missingSubtest(s, f);
    const pending = f.subLog;
    f.subLog = [];
    for (const line of pending) s.out.log(f, line);
    f.phase = f.isMain ? 'finish' : 'endDiag';
    return true;
  }
  if (p.kind === 'plan' && (f.expectedCount === null || !s.cursor.budgetLeft)) {
    // kunit.py would create a crashed test here without reading the line, forever (no plan) or up to
    // the plan: read the line as a diagnostic instead.
    s.out.issue(f, { id: f.id, message: `unexpected test plan line: ${p.text.trim()}`, kind: 'stray-plan' });
    s.cursor.replace({ ...p, kind: 'diagnostic', value: '', scan: undefined });
    f.phase = 'loopDiag';
    return true;
  }
  if (p.kind === 'plan') s.cursor.spend();
  if (p.kind === 'result') {
    leafResult(s, f, p);
    return true;
  }
  const child = childFrame(s, f);
  f.phase = 'waitChild';
  s.stack.push(child);
  return true;
}

/** A frame for f's next subtest; the lines f saw since its last child become the child's pre-log. */
function childFrame(s: ParseState, f: Frame): Frame {
  const child = newFrame({
    isMain: false,
    id: s.out.newId(),
    parentId: f.id,
    depth: f.depth + 1,
    index: f.testNum,
    order: f.blockBase + f.testNum,
    started: false,
    preLog: f.subLog,
  });
  f.subLog = [];
  return child;
}

/** A planned subtest never came: kunit.py counts a crash on the parent and prints an empty [CRASHED]. */
function missingSubtest(s: ParseState, f: Frame): boolean {
  const expected = f.expectedCount ?? 0;
  f.phase = 'loopCheck';
  if (!s.cursor.budgetLeft) {
    const left = expected - f.testNum + 1;
    s.out.issue(f, {
      id: f.id,
      message: `${left} more missing subtests not listed`,
      kind: 'too-many-missing',
    });
    f.testNum = expected + 1;
    return true;
  }
  s.cursor.spend();
  s.out.issue(f, { id: f.id, message: 'missing expected subtest!', kind: 'missing-subtest' });
  const placeholder = childFrame(s, f);
  s.out.start(placeholder, false);
  s.out.result(placeholder.id, '', 'TEST_CRASHED');
  settleLeaf(ensureCounts(f), 'TEST_CRASHED'); // kunit.py counts it on the parent
  f.subtests++;
  f.testNum++;
  return true;
}
