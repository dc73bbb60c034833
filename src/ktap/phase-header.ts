/**
 * The grammar phases before a test's subtests: kunit.py's parse_diagnostic, parse_ktap_header,
 * parse_test_header and parse_test_plan. Each takes the line under the cursor when it is its production,
 * moves the frame to its next phase and returns true, or returns false when it needs a line not read yet.
 */

import type { Frame } from './frame.js';
import { versionProblem } from './frame.js';
import type { ParseState } from './parse-state.js';

/** The phase after each plain diagnostics phase. */
const AFTER_DIAGNOSTICS = {
  leadDiag: 'version',
  mainDiag: 'plan',
  headerDiag: 'plan',
  endDiag: 'result',
} as const;

/**
 * Takes diagnostic lines while they come, into the test's log, or with `hold` into the subtest loop's
 * pending lines (whose they are is known only at the next structural line). False when it needs a line.
 */
function takeDiagnostics(s: ParseState, f: Frame, hold: boolean): boolean {
  for (;;) {
    const p = s.cursor.peek();
    if (p === 'need') return false;
    if (p === 'eof' || p.kind !== 'diagnostic') return true;
    s.cursor.pop();
    if (hold) f.subLog.push({ text: p.text, lineNo: p.lineNo });
    else s.out.log(f, p);
  }
}

/** kunit.py's parse_diagnostic: consumes non-structural lines into the test's log. */
export function diagnostics(s: ParseState, f: Frame): boolean {
  if (!takeDiagnostics(s, f, false)) return false;
  f.phase = AFTER_DIAGNOSTICS[f.phase as keyof typeof AFTER_DIAGNOSTICS];
  return true;
}

/** Diagnostics inside the subtest loop. */
export function loopDiagnostics(s: ParseState, f: Frame): boolean {
  if (!takeDiagnostics(s, f, true)) return false;
  f.phase = 'loopDecide';
  return true;
}

/** kunit.py's parse_ktap_header. */
export function versionLine(s: ParseState, f: Frame): boolean {
  const p = s.cursor.peek();
  if (p === 'need') return false;
  if (p !== 'eof' && (p.kind === 'ktapVersion' || p.kind === 'tapVersion')) {
    s.cursor.pop();
    f.hadVersionLine = true;
    const problem = versionProblem(p.kind === 'ktapVersion' ? 'KTAP' : 'TAP', p.value, s.rule);
    if (problem && f.isMain) s.out.issue(f, { id: f.id, message: problem, kind: 'version', line: p.lineNo });
    else if (problem) f.versionIssue = { message: problem, lineNo: p.lineNo };
  }
  f.phase = f.isMain ? 'mainDiag' : 'subtestHeader';
  return true;
}

/** kunit.py's parse_test_header; a version line and/or this header make the test a parent. */
export function subtestHeader(s: ParseState, f: Frame): boolean {
  const p = s.cursor.peek();
  if (p === 'need') return false;
  let header = false;
  if (p !== 'eof' && p.kind === 'subtestHeader') {
    s.cursor.pop();
    f.name = p.value;
    header = true;
  }
  f.parentTest = f.hadVersionLine || header;
  if (f.parentTest) {
    s.out.start(f, true);
    f.phase = 'headerDiag';
  } else f.phase = 'endDiag';
  return true;
}

/** kunit.py's parse_test_plan. */
export function plan(s: ParseState, f: Frame): boolean {
  const p = s.cursor.peek();
  if (p === 'need') return false;
  if (p !== 'eof' && p.kind === 'plan') {
    s.cursor.pop();
    f.expectedCount = Number(p.value);
    s.out.emit({ type: 'test:plan', id: f.id, count: f.expectedCount });
  } else f.expectedCount = null;
  f.phase = 'loopCheck';
  return true;
}
