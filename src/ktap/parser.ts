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
 *
 * The parts: cursor.ts (input, lookahead, EOF), event-output.ts (ids and events), frame.ts (one open test),
 * and the grammar phases in phase-header.ts, phase-subtests.ts and phase-result.ts, dispatched here.
 */

import type { RunEvent } from '../events/types.js';
import { LineCursor } from './cursor.js';
import { EventOutput } from './event-output.js';
import { LeafScanner, PassedLeaves, type PassedLeavesListener } from './fast-leaf.js';
import { type Frame, newFrame } from './frame.js';
import type { ParseState } from './parse-state.js';
import { diagnostics, loopDiagnostics, plan, subtestHeader, versionLine } from './phase-header.js';
import { finish, passedLeaves, resultLine } from './phase-result.js';
import { loopCheck, loopDecide } from './phase-subtests.js';
import { KUNIT_MAINLINE_RULES, type KunitRules, noKtapMessage } from './rules.js';

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
  /** The kunit.py version's rules (status-rule variant, messages). Default: mainline's (rules.ts). */
  readonly rules?: KunitRules;
  /**
   * Enables pushBytes (fast-leaf.ts): the passing test cases it takes reach this listener instead of
   * becoming test:start/test:result events.
   */
  readonly onPassedLeaves?: PassedLeavesListener;
}

export class KtapParser {
  readonly #embedded: boolean;
  readonly #depth: number;
  readonly #runEvents: boolean;
  readonly #name: string;
  readonly #rootId: string;
  readonly #rules: KunitRules;
  readonly #cursor: LineCursor;
  readonly #out: EventOutput;
  readonly #state: ParseState;
  #begun = false;
  #ended = false;
  readonly #onLeaves: PassedLeavesListener | undefined;
  /** The records the fast lane fills, reused for every run of lines it takes. */
  readonly #scan = new LeafScanner();
  readonly #leaves = new PassedLeaves();

  constructor(options: KtapParserOptions = {}) {
    this.#embedded = options.parentId !== undefined;
    this.#depth = options.depth ?? 0;
    this.#runEvents = options.runEvents ?? !this.#embedded;
    this.#name = options.name ?? 'ktap';
    this.#rules = options.rules ?? KUNIT_MAINLINE_RULES;
    this.#onLeaves = options.onPassedLeaves;
    const cursor = new LineCursor(options.extract !== false);
    this.#cursor = cursor;
    this.#out = new EventOutput(options.idPrefix ?? '', () => cursor.lineNo);
    this.#rootId = options.parentId ?? this.#out.newId();
    this.#state = {
      cursor,
      out: this.#out,
      stack: [],
      rule: this.#rules,
      allBlocks: options.blocks === 'all',
      embedded: this.#embedded,
      done: false,
    };
  }

  /** Id of the root node (or the embedding parent). */
  get rootId(): string {
    return this.#rootId;
  }

  /** Feeds one line (without its line ending). Returns the events it completed. */
  push(line: string): RunEvent[] {
    if (!this.#begun) this.#begin();
    if (this.#state.done) {
      this.#cursor.skip();
      return this.#out.take();
    }
    const first = !this.#cursor.sawLine;
    if (!this.#cursor.feed(line)) return this.#out.take();
    if (first) this.#state.stack.push(this.#mainFrame());
    this.#run();
    return this.#out.take();
  }

  /**
   * The fast lane (needs `onPassedLeaves`): takes the complete lines of the raw bytes[start, end) from
   * `start` on that are passing test cases the parser can read in place (fast-leaf.ts), while the parser
   * waits in a subtest loop with no diagnostics held, as many as follow one another. The state advances as
   * push() would for each, and the listener gets them as one run. Returns where the lines taken end (`start`
   * when none: push the line); takeEvents() then gives the events they completed. The bytes must not
   * change until releaseBytes() is called.
   */
  pushBytes(bytes: Buffer, start: number, end: number): number {
    const s = this.#state;
    const f = s.stack[s.stack.length - 1];
    if (this.#onLeaves === undefined || f === undefined || f.phase !== 'loopDiag' || f.subLog.length > 0)
      return start;
    const prefix = this.#cursor.inPlacePrefix();
    if (prefix < 0) return start;
    const leaves = this.#leaves;
    const scan = this.#scan;
    const first = f.testNum;
    // loopCheck's condition: a frame without subtests takes one case at most, a plan up to its count.
    const last = !f.parentTest ? first : (f.expectedCount ?? Number.POSITIVE_INFINITY);
    const parentName = f.isMain ? undefined : f.name;
    const taken = scan.run(bytes, start, end, prefix, { first, last, parentName }, leaves);
    const count = leaves.count;
    if (count === 0) return start;
    this.#cursor.readInPlace(bytes, scan.lineStart, taken - 1, count);
    this.#out.skipIds(count);
    leaves.parentId = f.id;
    leaves.first = first;
    leaves.order = f.blockBase + first;
    leaves.depth = f.depth + 1;
    leaves.bytes = bytes;
    passedLeaves(f, count);
    this.#onLeaves(leaves);
    // Most often the loop simply waits for the next case: no phase to run.
    loopCheck(f);
    if (f.phase !== 'loopDiag') this.#run();
    return taken;
  }

  /** The events the last pushBytes completed. */
  takeEvents(): RunEvent[] {
    return this.#out.take();
  }

  /** The bytes given to pushBytes so far may change from now on (a reused read buffer). */
  releaseBytes(): void {
    this.#cursor.releaseInPlace();
  }

  /** Ends the input: unfinished tests are closed as kunit.py does at EOF. */
  end(): RunEvent[] {
    if (!this.#begun) this.#begin();
    if (!this.#ended) {
      this.#ended = true;
      const truncated = this.#truncated();
      this.#cursor.close();
      if (!this.#cursor.sawLine) this.#noKtap();
      else this.#run();
      if (this.#runEvents) this.#out.emit({ type: 'run:end', ...(truncated ? { interrupted: true } : {}) });
    }
    return this.#out.take();
  }

  /** Input ends inside a test, or before the root's plan is complete (a panic, a timeout). */
  #truncated(): boolean {
    const stack = this.#state.stack;
    if (stack.length > 1) return true;
    const main = stack[0];
    return main !== undefined && main.expectedCount !== null && main.testNum <= main.expectedCount;
  }

  #begin(): void {
    this.#begun = true;
    if (this.#runEvents)
      this.#out.emit({ type: 'run:start', producer: 'ktap', name: this.#name, rules: this.#rules });
    if (!this.#embedded) {
      this.#out.emit({
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
      order: 0,
      started: true,
      preLog: [],
    });
  }

  /** kunit.py's parse_run_tests when extraction found nothing. */
  #noKtap(): void {
    this.#out.issue(undefined, {
      id: this.#rootId,
      message: noKtapMessage(this.#rules),
      kind: 'no-ktap',
      testName: '<missing>',
    });
    if (!this.#embedded) this.#out.result(this.#rootId, '<missing>', 'FAILURE_TO_PARSE_TESTS');
  }

  /** Advances until a frame needs a line that has not arrived yet. */
  #run(): void {
    const s = this.#state;
    for (;;) {
      const frame = s.stack[s.stack.length - 1];
      if (!frame || !step(s, frame)) return;
    }
  }
}

/** One step of kunit.py's parse_test for `f`; false when it needs more input. */
function step(s: ParseState, f: Frame): boolean {
  switch (f.phase) {
    case 'leadDiag':
    case 'mainDiag':
    case 'headerDiag':
    case 'endDiag':
      return diagnostics(s, f);
    case 'loopDiag':
      return loopDiagnostics(s, f);
    case 'version':
      return versionLine(s, f);
    case 'subtestHeader':
      return subtestHeader(s, f);
    case 'plan':
      return plan(s, f);
    case 'loopCheck':
      return loopCheck(f);
    case 'loopDecide':
      return loopDecide(s, f);
    case 'waitChild':
      return false;
    case 'result':
      return resultLine(s, f);
    case 'finish':
      return finish(s, f);
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
