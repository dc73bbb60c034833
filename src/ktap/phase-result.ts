/**
 * The grammar phases that end a test: its own result line (or its absence at EOF), the status rule applied
 * as it finishes, and, with `blocks: 'all'`, the root's later blocks. Same contract as phase-header.ts.
 */

import type { TestDirective, TestResultEvent, TestStatus } from '../events/types.js';
import { directiveOf } from './directive.js';
import type { Frame } from './frame.js';
import { type ClassifiedLine, nameMatches, parseResultLine, type ResultLine } from './line-type.js';
import { addCounts, addStatus, ensureCounts } from './model.js';
import type { ParseState } from './parse-state.js';
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
  numberIssue(s, f, f.id, f.index, result, p.lineNo);
  f.status = statusOf(result);
  f.directive = directiveOf(result);
  return true;
}

/** A result line's own status: SKIPPED by kunit.py's SKIP rule, else ok or not. */
function statusOf(result: ResultLine): TestStatus {
  return result.skipReason !== undefined ? 'SKIPPED' : result.ok ? 'SUCCESS' : 'FAILURE';
}

/**
 * kunit.py's check of the number on test `id`'s result line against its position, recorded on `f` when
 * the test has a frame; true when they differ.
 */
function numberIssue(
  s: ParseState,
  f: Frame | undefined,
  id: string,
  index: number,
  result: ResultLine,
  lineNo: number,
): boolean {
  // Exact up to 15 digits (numberText has no leading zeros); no index this parser reaches is longer.
  if (result.numberText.length <= 15 && Number(result.numberText) === index) return false;
  const message = `Expected test number ${index} but found ${result.numberText}`;
  s.out.issue(f, { id, message, kind: 'test-number', testName: result.name, line: lineNo });
  return true;
}

/** The test:result event of a finished test; number and directive only when there are. */
function resultEvent(
  id: string,
  name: string,
  status: TestStatus,
  number: number | undefined,
  directive: TestDirective | undefined,
): TestResultEvent {
  const event: TestResultEvent = { type: 'test:result', id, name, status };
  if (number !== undefined) (event as { number?: number }).number = number;
  if (directive) (event as { directive?: TestDirective }).directive = directive;
  return event;
}

/**
 * A subtest that is nothing but its result line, which is most tests of a log: what the frame phases do
 * for it (test:start, the diagnostics read before it, the number check, test:result, the parent's counts),
 * in the same order, without a frame.
 */
export function leafResult(s: ParseState, parent: Frame, p: ClassifiedLine): void {
  const result = parseResultLine(p);
  if (!result) return;
  s.cursor.pop();
  const id = s.out.newId();
  const index = parent.testNum;
  s.out.emit({
    type: 'test:start',
    id,
    parentId: parent.id,
    name: result.name,
    index: parent.blockBase + index,
    depth: parent.depth + 1,
    isSuite: false,
  });
  const pending = parent.subLog;
  if (pending.length > 0) {
    parent.subLog = [];
    for (const line of pending) s.out.logLine(id, line.text);
  }
  const counts = ensureCounts(parent);
  if (numberIssue(s, undefined, id, index, result, p.lineNo)) counts.errors++;
  const status = settleLeaf(counts, statusOf(result));
  s.out.emit(resultEvent(id, result.name, status, Number(result.numberText), directiveOf(result)));
  subtestDone(parent);
}

/** `count` subtests of `parent` finished: the loop goes on with the next. */
function subtestDone(parent: Frame, count = 1): void {
  parent.subtests += count;
  parent.testNum += count;
  parent.phase = 'loopCheck';
}

/** leafResult's bookkeeping for `count` passing cases the parser took in place (fast-leaf.ts). */
export function passedLeaves(parent: Frame, count: number): void {
  addStatus(ensureCounts(parent), 'SUCCESS', count);
  subtestDone(parent, count);
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
  s.out.emit(resultEvent(f.id, f.name, status, f.number, f.directive));
  if (parent) subtestDone(parent);
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
    // Numbers start at 1 again; positions in the root go on.
    f.blockBase += f.testNum - 1;
    f.testNum = 1;
    return;
  }
  s.cursor.pop();
  s.out.log(f, p);
}
