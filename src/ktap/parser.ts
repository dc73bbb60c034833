/**
 * The streaming KTAP/TAP parser: a pure function from lines to `RunEvent`s. It never sees the whole input,
 * never prints and never throws on bad input (problems become `parse:issue` events on the test they concern).
 *
 * The algorithm is kunit.py's (Linux 6.12 kunit_parser.py): a recursive descent with one line of lookahead,
 * here turned into an explicit stack of frames (frame.ts) that advances whenever a line arrives, so events
 * come out as soon as kunit.py would have printed something. Event order per test:
 * - a parent (version line and/or `# Subtest:`): test:start, its version issue, its diagnostics (test:log,
 *   test:attr), test:plan, then its children, its own issues, test:result;
 * - a leaf: test:start, its diagnostics, its issues, test:result, all when its result line arrives;
 * - the root ("main"): test:start on the first line, test:result when its plan is complete or input ends,
 *   carrying kunit.py's final status (the counts' status, NO_TESTS, or FAILURE_TO_PARSE_TESTS).
 * Lines after the root completes are ignored, as kunit.py does, unless `blocks: 'all'`.
 */

import type {
  ParseIssueEvent,
  RunEvent,
  TestDirective,
  TestResultEvent,
  TestStatus,
} from '../events/types.js';
import { directiveOf } from './directive.js';
import { KtapExtractor } from './extract.js';
import { type Frame, newFrame, type PendingLine, versionProblem } from './frame.js';
import { attributeOf, type ClassifiedLine, classifyLine, parseResultLine } from './line-type.js';
import { addCounts, addStatus, ensureCounts } from './model.js';
import { pyRstrip } from './py-text.js';
import { KUNIT_MAINLINE_RULES, type KunitRules, noKtapMessage } from './rules.js';
import { applyBubbleUp, rootStatus } from './tree.js';

export interface KtapParserOptions {
  /** Prefix of every node id, so several parsers in one run give unique ids. Default ''. */
  readonly idPrefix?: string;
  /**
   * Embed into a larger run: the KTAP's top-level tests become children of this existing node, and the
   * KTAP root's own plan, log lines and issues go to it. No test:start/test:result for a root is emitted.
   */
  readonly parentId?: string;
  /** Depth of the root (or of `parentId` when embedding). Default 0. */
  readonly depth?: number;
  /** Run kunit.py's extraction first (kernel logs: prefixes, stop markers). Default true. */
  readonly extract?: boolean;
  /** Name in run:start (a file name). Default 'ktap'. */
  readonly name?: string;
  /** Emit run:start/run:end. Default: true unless embedding. */
  readonly runEvents?: boolean;
  /**
   * 'first' (default, kunit.py): lines after the root's plan is complete are ignored. 'all': a later
   * top-level version line starts another block whose tests are appended to the root.
   */
  readonly blocks?: 'first' | 'all';
  /** The kunit.py version's rules (counting, messages). Default: mainline's. */
  readonly rules?: KunitRules;
}

/** Tests kunit.py would synthesize without reading a line (missing subtests) before vmunit stops copying it. */
const SYNTHETIC_BUDGET = 100_000;

type Peek = ClassifiedLine | 'eof' | 'need';

export class KtapParser {
  readonly #prefix: string;
  readonly #embedded: string | undefined;
  readonly #depth: number;
  readonly #extractor: KtapExtractor | undefined;
  readonly #runEvents: boolean;
  readonly #name: string;
  readonly #allBlocks: boolean;
  readonly #rules: KunitRules;
  readonly #stack: Frame[] = [];
  #out: RunEvent[] = [];
  #next: ClassifiedLine | undefined;
  /** The last line read, which kunit.py's LineStream still shows after EOF. */
  #lastLine: ClassifiedLine | undefined;
  #eof = false;
  #begun = false;
  #done = false;
  #sawLine = false;
  #lineNo = 0;
  #ids = 0;
  #budget = SYNTHETIC_BUDGET;
  #rootId: string;

  constructor(options: KtapParserOptions = {}) {
    this.#prefix = options.idPrefix ?? '';
    this.#embedded = options.parentId;
    this.#depth = options.depth ?? 0;
    this.#extractor = options.extract === false ? undefined : new KtapExtractor();
    this.#runEvents = options.runEvents ?? options.parentId === undefined;
    this.#name = options.name ?? 'ktap';
    this.#allBlocks = options.blocks === 'all';
    this.#rules = options.rules ?? KUNIT_MAINLINE_RULES;
    this.#rootId = options.parentId ?? this.#newId();
  }

  /** Id of the root node (or the embedding parent). */
  get rootId(): string {
    return this.#rootId;
  }

  /** Feeds one line (without its line ending). Returns the events it completed. */
  push(line: string): RunEvent[] {
    this.#lineNo++;
    this.#begin();
    if (this.#done) return this.#take();
    const text = this.#extractor ? this.#extractor.push(line) : pyRstrip(line);
    if (text === undefined) return this.#take();
    this.#budget += 10;
    if (!this.#sawLine) {
      this.#sawLine = true;
      this.#stack.push(this.#mainFrame());
    }
    this.#next = classifyLine(text, this.#lineNo);
    this.#lastLine = this.#next;
    this.#run();
    return this.#take();
  }

  /** Ends the input: unfinished tests are closed as kunit.py does at EOF. */
  end(): RunEvent[] {
    this.#begin();
    if (!this.#eof) {
      this.#eof = true;
      const truncated = this.#truncated();
      if (!this.#sawLine) this.#noKtap();
      else this.#run();
      if (this.#runEvents) this.#out.push({ type: 'run:end', ...(truncated ? { interrupted: true } : {}) });
    }
    return this.#take();
  }

  /** Input ends inside a test, or before the root's plan is complete (a panic, a timeout). */
  #truncated(): boolean {
    if (this.#stack.length > 1) return true;
    const main = this.#stack[0];
    return main !== undefined && main.expectedCount !== null && main.testNum <= main.expectedCount;
  }

  #take(): RunEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #newId(): string {
    return `${this.#prefix}${this.#ids++}`;
  }

  #emit(event: RunEvent): void {
    this.#out.push(event);
  }

  #begin(): void {
    if (this.#begun) return;
    this.#begun = true;
    if (this.#runEvents)
      this.#out.push({ type: 'run:start', producer: 'ktap', name: this.#name, rules: this.#rules });
    if (this.#embedded === undefined) {
      this.#emit({
        type: 'test:start',
        id: this.#rootId,
        parentId: null,
        name: 'main',
        index: 1,
        depth: this.#depth,
        isSuite: true,
      });
    }
  }

  #mainFrame(): Frame {
    return newFrame({
      isMain: true,
      id: this.#rootId,
      parentId: null,
      depth: this.#depth,
      index: 0,
      started: true,
      preLog: [],
    });
  }

  /** kunit.py's parse_run_tests when extraction found nothing. */
  #noKtap(): void {
    this.#issue(undefined, {
      id: this.#rootId,
      message: noKtapMessage(this.#rules),
      kind: 'no-ktap',
      testName: '<missing>',
    });
    if (this.#embedded === undefined) this.#rootResult('<missing>', 'FAILURE_TO_PARSE_TESTS');
  }

  /** Records a parse problem on frame `f` (counted in its errors, as kunit.py's add_error). */
  #issue(f: Frame | undefined, init: Omit<ParseIssueEvent, 'type' | 'line'> & { line?: number }): void {
    if (f) f.errors++;
    // kunit.py prints the name the test has *now* (a result line may have renamed it since test:start).
    const testName = init.testName ?? f?.name;
    this.#emit({
      type: 'parse:issue',
      ...init,
      ...(testName === undefined ? {} : { testName }),
      line: init.line ?? this.#currentLine(),
    });
  }

  #currentLine(): number {
    return this.#next?.lineNo ?? this.#lineNo;
  }

  #rootResult(name: string, status: TestStatus): void {
    this.#out.push({ type: 'test:result', id: this.#rootId, name, status });
  }

  /**
   * kunit.py's bubble_up_test_results for a finishing frame, with the children's counts already summed
   * into `f.counts` as they finished; adds the result to the parent frame. Returns the final status.
   */
  #bubble(f: Frame, parent: Frame | undefined): TestStatus {
    let status = f.status;
    if (f.counts === undefined) {
      // Nothing counted below: the test contributes its own status (kunit.py's leaf case).
      const into = parent ? ensureCounts(parent) : ensureCounts(f);
      into.errors += f.errors;
      addStatus(into, status);
      return f.isMain ? rootStatus(into, status) : status;
    }
    f.counts.errors += f.errors;
    status = applyBubbleUp(f.counts, status, this.#rules);
    if (f.isMain) return rootStatus(f.counts, status);
    if (parent) addCounts(ensureCounts(parent), f.counts);
    return status;
  }

  #peek(): Peek {
    if (this.#next) return this.#next;
    return this.#eof ? 'eof' : 'need';
  }

  #pop(): ClassifiedLine | undefined {
    const line = this.#next;
    this.#next = undefined;
    return line;
  }

  /** Advances until a frame needs a line that has not arrived yet. */
  #run(): void {
    for (;;) {
      const frame = this.#stack[this.#stack.length - 1];
      if (!frame || !this.#step(frame)) return;
    }
  }

  /** One step of kunit.py's parse_test for `f`; false when it needs more input. */
  #step(f: Frame): boolean {
    switch (f.phase) {
      case 'leadDiag':
      case 'mainDiag':
      case 'headerDiag':
      case 'endDiag':
        return this.#diagnostics(f);
      case 'loopDiag':
        return this.#loopDiagnostics(f);
      case 'version':
        return this.#versionLine(f);
      case 'subtestHeader':
        return this.#subtestHeader(f);
      case 'plan':
        return this.#plan(f);
      case 'loopCheck':
        f.phase =
          f.parentTest && (f.expectedCount === null || f.testNum <= f.expectedCount)
            ? 'loopDiag'
            : f.isMain
              ? 'finish'
              : 'endDiag';
        return true;
      case 'loopDecide':
        return this.#loopDecide(f);
      case 'waitChild':
        return false;
      case 'result':
        return this.#resultLine(f);
      case 'finish':
        return this.#finish(f);
    }
  }

  /** kunit.py's parse_diagnostic: consumes non-structural lines into the test's log. */
  #diagnostics(f: Frame): boolean {
    for (;;) {
      const p = this.#peek();
      if (p === 'need') return false;
      if (p === 'eof' || p.kind !== 'diagnostic') break;
      this.#pop();
      this.#log(f, p);
    }
    const nextPhase = {
      leadDiag: 'version',
      mainDiag: 'plan',
      headerDiag: 'plan',
      endDiag: 'result',
    } as const;
    f.phase = nextPhase[f.phase as keyof typeof nextPhase];
    return true;
  }

  #loopDiagnostics(f: Frame): boolean {
    for (;;) {
      const p = this.#peek();
      if (p === 'need') return false;
      if (p === 'eof' || p.kind !== 'diagnostic') break;
      this.#pop();
      f.subLog.push({ text: p.text, lineNo: p.lineNo });
    }
    f.phase = 'loopDecide';
    return true;
  }

  #log(f: Frame, line: PendingLine): void {
    if (!f.started) {
      f.preLog.push(line);
      return;
    }
    this.#emit({ type: 'test:log', id: f.id, line: line.text, stream: 'ktap' });
    const attr = attributeOf(line.text);
    if (attr) this.#emit({ type: 'test:attr', id: f.id, key: attr.key, value: attr.value });
  }

  /** kunit.py's parse_ktap_header. */
  #versionLine(f: Frame): boolean {
    const p = this.#peek();
    if (p === 'need') return false;
    if (p !== 'eof' && (p.kind === 'ktapVersion' || p.kind === 'tapVersion')) {
      this.#pop();
      f.hadVersionLine = true;
      const problem = versionProblem(p.kind === 'ktapVersion' ? 'KTAP' : 'TAP', p.match?.[1] ?? '0');
      if (problem && f.isMain)
        this.#issue(f, { id: f.id, message: problem, kind: 'version', line: p.lineNo });
      else if (problem) f.versionIssue = { message: problem, lineNo: p.lineNo };
    }
    f.phase = f.isMain ? 'mainDiag' : 'subtestHeader';
    return true;
  }

  /** kunit.py's parse_test_header; a version line and/or this header make the test a parent. */
  #subtestHeader(f: Frame): boolean {
    const p = this.#peek();
    if (p === 'need') return false;
    let header = false;
    if (p !== 'eof' && p.kind === 'subtestHeader') {
      this.#pop();
      f.name = p.match?.[1] ?? '';
      header = true;
    }
    f.parentTest = f.hadVersionLine || header;
    if (f.parentTest) {
      this.#start(f, true);
      f.phase = 'headerDiag';
    } else f.phase = 'endDiag';
    return true;
  }

  /** kunit.py's parse_test_plan. */
  #plan(f: Frame): boolean {
    const p = this.#peek();
    if (p === 'need') return false;
    if (p !== 'eof' && p.kind === 'plan') {
      this.#pop();
      f.expectedCount = Number(p.match?.[1] ?? '0');
      this.#emit({ type: 'test:plan', id: f.id, count: f.expectedCount });
    } else f.expectedCount = null;
    f.phase = 'loopCheck';
    return true;
  }

  #start(f: Frame, isSuite: boolean): void {
    if (f.started) return;
    f.started = true;
    this.#emit({
      type: 'test:start',
      id: f.id,
      parentId: f.parentId,
      name: f.name,
      index: f.index,
      depth: f.depth,
      isSuite,
    });
    if (f.versionIssue) {
      const { message, lineNo } = f.versionIssue;
      this.#issue(f, { id: f.id, message, kind: 'version', testName: '', line: lineNo });
    }
    const pre = f.preLog;
    f.preLog = [];
    for (const line of pre) this.#log(f, line);
  }

  /** The decision at the top of kunit.py's subtest loop: end of the list, a missing subtest, or a child. */
  #loopDecide(f: Frame): boolean {
    const p = this.#peek();
    if (p === 'need') return false;
    const atEnd = p === 'eof' || (!f.isMain && this.#nameMatches(p, f.name));
    if (atEnd) {
      if (f.expectedCount && f.testNum <= f.expectedCount) return this.#missingSubtest(f);
      const pending = f.subLog;
      f.subLog = [];
      for (const line of pending) this.#log(f, line);
      f.phase = f.isMain ? 'finish' : 'endDiag';
      return true;
    }
    if (p.kind === 'plan' && (f.expectedCount === null || this.#budget <= 0)) {
      // kunit.py would create a crashed test here without reading the line, forever (no plan) or up to
      // the plan: read the line as a diagnostic instead.
      this.#issue(f, {
        id: f.id,
        message: `unexpected test plan line: ${p.text.trim()}`,
        kind: 'stray-plan',
      });
      this.#next = { ...p, kind: 'diagnostic', match: undefined };
      f.phase = 'loopDiag';
      return true;
    }
    if (p.kind === 'plan') this.#budget--;
    const child = this.#childFrame(f);
    f.phase = 'waitChild';
    this.#stack.push(child);
    return true;
  }

  /** A frame for f's next subtest; the lines f saw since its last child become the child's pre-log. */
  #childFrame(f: Frame): Frame {
    const child = newFrame({
      isMain: false,
      id: this.#newId(),
      parentId: f.id,
      depth: f.depth + 1,
      index: f.testNum,
      started: false,
      preLog: f.subLog,
    });
    f.subLog = [];
    return child;
  }

  /** A planned subtest never came: kunit.py counts a crash on the parent and prints an empty [CRASHED]. */
  #missingSubtest(f: Frame): boolean {
    const expected = f.expectedCount ?? 0;
    if (this.#budget <= 0) {
      const left = expected - f.testNum + 1;
      this.#issue(f, {
        id: f.id,
        message: `${left} more missing subtests not listed`,
        kind: 'too-many-missing',
      });
      f.testNum = expected + 1;
      f.phase = 'loopCheck';
      return true;
    }
    this.#budget--;
    this.#issue(f, { id: f.id, message: 'missing expected subtest!', kind: 'missing-subtest' });
    const placeholder = this.#childFrame(f);
    this.#start(placeholder, false);
    this.#emit({ type: 'test:result', id: placeholder.id, name: '', status: 'TEST_CRASHED' });
    addStatus(ensureCounts(f), 'TEST_CRASHED'); // kunit.py counts it on the parent
    f.subtests++;
    f.testNum++;
    f.phase = 'loopCheck';
    return true;
  }

  #nameMatches(p: ClassifiedLine, name: string): boolean {
    return p.kind === 'result' && (p.match?.[4] ?? '') === name;
  }

  /** The end of kunit.py's parse_test for a subtest: its own result line. */
  #resultLine(f: Frame): boolean {
    const p = this.#peek();
    if (p === 'need') return false;
    f.phase = 'finish';
    if (p === 'eof') {
      this.#resultAtEof(f);
      return true;
    }
    if (f.name !== '' && !this.#nameMatches(p, f.name)) {
      this.#start(f, f.parentTest);
      this.#issue(f, { id: f.id, message: 'missing subtest result line!', kind: 'missing-result' });
      return true;
    }
    const result = parseResultLine(p);
    if (!result) return true;
    this.#pop();
    f.name = result.name;
    this.#start(f, f.parentTest);
    f.number = Number(result.numberText);
    if (result.numberText !== String(f.index)) {
      const message = `Expected test number ${f.index} but found ${result.numberText}`;
      this.#issue(f, { id: f.id, message, kind: 'test-number', testName: f.name, line: p.lineNo });
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
  #resultAtEof(f: Frame): void {
    this.#start(f, f.parentTest);
    const stale = this.#lastLine;
    const staleIsResult =
      stale !== undefined && (f.name === '' ? stale.kind === 'result' : this.#nameMatches(stale, f.name));
    if (!staleIsResult) {
      if (f.name !== '')
        this.#issue(f, { id: f.id, message: 'missing subtest result line!', kind: 'missing-result' });
      return;
    }
    f.status = 'NO_TESTS';
    this.#issue(f, { id: f.id, message: 'No more test results!', kind: 'no-more-results' });
  }

  #finish(f: Frame): boolean {
    if (f.isMain && this.#allBlocks) {
      const p = this.#peek();
      if (p === 'need') return false;
      if (p !== 'eof') {
        this.#nextBlock(f, p);
        return true;
      }
    }
    if (f.parentTest && f.subtests === 0 && (f.status === 'TEST_CRASHED' || f.status === 'SUCCESS')) {
      f.status = 'NO_TESTS';
      this.#issue(f, { id: f.id, message: '0 tests run!', kind: 'no-tests' });
    }
    this.#stack.pop();
    const parent = this.#stack[this.#stack.length - 1];
    const status = this.#bubble(f, parent);
    if (f.isMain) {
      this.#done = true;
      this.#next = undefined;
      if (this.#embedded === undefined) this.#rootResult(f.name, status);
      return false;
    }
    this.#start(f, f.parentTest);
    const event: TestResultEvent = { type: 'test:result', id: f.id, name: f.name, status };
    if (f.number !== undefined) (event as { number?: number }).number = f.number;
    if (f.directive) (event as { directive?: TestDirective }).directive = f.directive;
    this.#emit(event);
    if (parent) {
      parent.subtests++;
      parent.testNum++;
      parent.phase = 'loopCheck';
    }
    return true;
  }

  /**
   * `blocks: 'all'`: after the root's plan is complete, lines up to the next top-level version line are
   * root diagnostics and that line starts another block (numbering restarts at 1).
   */
  #nextBlock(f: Frame, p: ClassifiedLine): void {
    if (p.kind === 'ktapVersion' || p.kind === 'tapVersion') {
      f.phase = 'version';
      f.expectedCount = null;
      f.testNum = 1;
      return;
    }
    this.#pop();
    this.#log(f, p);
  }
}

/** Parses a whole line source (array, generator, or async stream of lines) into events. */
export async function* parseKtapLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: KtapParserOptions = {},
): AsyncGenerator<RunEvent> {
  const parser = new KtapParser(options);
  for await (const line of lines) yield* parser.push(line);
  yield* parser.end();
}
