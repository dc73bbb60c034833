/**
 * The grammar phases that end a test: its own result line (or its absence at EOF), the status rule applied
 * as it finishes, and, with `blocks: 'all'`, the root's later blocks. Same contract as phase-header.ts.
 */

import type { TestDirective, TestResultEvent, TestStatus } from '../events/types.js';
import { directiveOf } from './directive.js';
import type { Frame } from './frame.js';
import { type ClassifiedLine, parseResultLine } from './line-type.js';
import { addCounts, ensureCounts } from './model.js';
import type { ParseState } from './parse-state.js';
import { nameMatches } from './phase-subtests.js';
import { settleLeaf, settleStatus } from './status.js';

/** The end of kunit.py's parse_test for a subtest: its own result line. */
export function resultLine(s: ParseState, f: Frame): boolean {
  const p = s.cursor.peek();
  if (p === 'need') return false;
  f.phase = 'finish';
  if (p === 'eof') {
    resultAtEof(s, f);
    return true;
  }
  if (f.name !== '' && !nameMatches(p, f.name)) {
    s.out.start(f, f.parentTest);
    s.out.issue(f, { id: f.id, message: 'missing subtest result line!', kind: 'missing-result' });
    return true;
  }
  const result = parseResultLine(p);
  if (!result) return true;
  s.cursor.pop();
  f.name = result.name;
  s.out.start(f, f.parentTest);
  f.number = Number(result.numberText);
  // Exact up to 15 digits (numberText has no leading zeros); no index this parser reaches is longer.
  if (result.numberText.length > 15 || f.number !== f.index) {
    const message = `Expected test number ${f.index} but found ${result.numberText}`;
    s.out.issue(f, { id: f.id, message, kind: 'test-number', testName: f.name, line: p.lineNo });
  }
  f.status = result.skipReason !== undefined ? 'SKIPPED' : result.ok ? 'SUCCESS' : 'FAILURE';
  f.directive = directiveOf(result);
  return true;
}

/**
 * Input ended where the test's result line was due. kunit.py 6.12 then looks at the stale last line (its
 * LineStream keeps it after EOF): a named test reports 'missing subtest result line!' and an unnamed one
 * stays crashed, silently; when that stale line would be taken as the result, kunit.py 6.12 dies with
 * "going past EOF" and later kunit.py reports 'No more test results!' (NO_TESTS), which vmunit does.
 */
function resultAtEof(s: ParseState, f: Frame): void {
  s.out.start(f, f.parentTest);
  const stale = s.cursor.lastLine;
  const staleIsResult =
    stale !== undefined && (f.name === '' ? stale.kind === 'result' : nameMatches(stale, f.name));
  if (!staleIsResult) {
    if (f.name !== '')
      s.out.issue(f, { id: f.id, message: 'missing subtest result line!', kind: 'missing-result' });
    return;
  }
  f.status = 'NO_TESTS';
  s.out.issue(f, { id: f.id, message: 'No more test results!', kind: 'no-more-results' });
}

/** The test is complete: its final status (the status rule), its result event, and its parent's turn. */
export function finish(s: ParseState, f: Frame): boolean {
  if (f.isMain && s.allBlocks) {
    const p = s.cursor.peek();
    if (p === 'need') return false;
    if (p !== 'eof') {
      nextBlock(s, f, p);
      return true;
    }
  }
  if (f.parentTest && f.subtests === 0 && (f.status === 'TEST_CRASHED' || f.status === 'SUCCESS')) {
    f.status = 'NO_TESTS';
    s.out.issue(f, { id: f.id, message: '0 tests run!', kind: 'no-tests' });
  }
  s.stack.pop();
  const parent = s.stack[s.stack.length - 1];
  const status = bubble(s, f, parent);
  if (f.isMain) {
    s.done = true;
    s.cursor.pop();
    if (!s.embedded) s.out.result(f.id, f.name, status);
    return false;
  }
  s.out.start(f, f.parentTest);
  const event: TestResultEvent = { type: 'test:result', id: f.id, name: f.name, status };
  if (f.number !== undefined) (event as { number?: number }).number = f.number;
  if (f.directive) (event as { directive?: TestDirective }).directive = f.directive;
  s.out.emit(event);
  if (parent) {
    parent.subtests++;
    parent.testNum++;
    parent.phase = 'loopCheck';
  }
  return true;
}

/**
 * The status rule (status.ts) for a finishing frame, with the children's counts already summed into
 * `f.counts` as they finished; adds the result to the parent frame. Returns the final status.
 */
function bubble(s: ParseState, f: Frame, parent: Frame | undefined): TestStatus {
  if (f.counts === undefined && parent) {
    const into = ensureCounts(parent);
    into.errors += f.errors;
    return settleLeaf(into, f.status);
  }
  const counts = ensureCounts(f);
  counts.errors += f.errors;
  const status = settleStatus(counts, f.status, f.isMain, s.rule);
  if (!f.isMain && parent) addCounts(ensureCounts(parent), counts);
  return status;
}

/**
 * `blocks: 'all'`: after the root's plan is complete, lines up to the next top-level version line are
 * root diagnostics and that line starts another block (numbering restarts at 1).
 */
function nextBlock(s: ParseState, f: Frame, p: ClassifiedLine): void {
  if (p.kind === 'ktapVersion' || p.kind === 'tapVersion') {
    f.phase = 'version';
    f.expectedCount = null;
    f.testNum = 1;
    return;
  }
  s.cursor.pop();
  s.out.log(f, p);
}
