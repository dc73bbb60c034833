/**
 * The parser's output side: node ids, the events a line completed, and the three things every phase says
 * (a test started, a diagnostic belongs to a test, a problem was found). Events collect here until the
 * caller takes them after each line.
 */

import type { ParseIssueEvent, RunEvent, TestStatus } from '../events/types.js';
import type { Frame, PendingLine } from './frame.js';
import { attributeOf } from './line-type.js';

/** What an issue says; its line defaults to the cursor's. */
export type IssueInit = Omit<ParseIssueEvent, 'type' | 'line' | 'testName'> & {
  readonly testName?: string;
  readonly line?: number;
};

/** Most lines complete no event: they all share this (never written) array instead of a new one each. */
const NONE: RunEvent[] = [];

export class EventOutput {
  readonly #prefix: string;
  readonly #lineNo: () => number;
  #out: RunEvent[] = [];
  #ids = 0;

  /** `lineNo`: the line an issue is reported on when the phase does not say. */
  constructor(idPrefix: string, lineNo: () => number) {
    this.#prefix = idPrefix;
    this.#lineNo = lineNo;
  }

  newId(): string {
    return this.#prefix + this.#ids++;
  }

  /** Uses up `count` ids without making them (fast-lane test cases, whose consumers need none). */
  skipIds(count: number): void {
    this.#ids += count;
  }

  emit(event: RunEvent): void {
    this.#out.push(event);
  }

  /** The events collected since the last call. */
  take(): RunEvent[] {
    const out = this.#out;
    if (out.length === 0) return NONE;
    this.#out = [];
    return out;
  }

  /** Records a parse problem on frame `f` (counted in its errors, as kunit.py's add_error). */
  issue(f: Frame | undefined, init: IssueInit): void {
    if (f) f.errors++;
    // kunit.py prints the name the test has *now* (a result line may have renamed it since test:start).
    const testName = init.testName ?? f?.name;
    const { id, message, kind } = init;
    const line = init.line ?? this.#lineNo();
    this.#out.push({
      type: 'parse:issue',
      id,
      message,
      ...(kind === undefined ? {} : { kind }),
      ...(testName === undefined ? {} : { testName }),
      line,
    });
  }

  /** test:start for `f` once, then its version issue and the diagnostics read before it was known. */
  start(f: Frame, isSuite: boolean): void {
    if (f.started) return;
    f.started = true;
    this.#out.push({
      type: 'test:start',
      id: f.id,
      parentId: f.parentId,
      name: f.name,
      index: f.order,
      depth: f.depth,
      isSuite,
    });
    if (f.versionIssue) {
      const { message, lineNo } = f.versionIssue;
      this.issue(f, { id: f.id, message, kind: 'version', testName: '', line: lineNo });
    }
    const pre = f.preLog;
    if (pre.length === 0) return;
    f.preLog = [];
    for (const line of pre) this.log(f, line);
  }

  /** A diagnostic line of `f`: kept until `f` starts, then test:log (and test:attr for attributes). */
  log(f: Frame, line: PendingLine): void {
    if (!f.started) {
      f.preLog.push(line);
      return;
    }
    this.logLine(f.id, line.text);
  }

  /** test:log of a started test, and test:attr when the line is a KUnit attribute. */
  logLine(id: string, text: string): void {
    this.#out.push({ type: 'test:log', id, line: text, stream: 'ktap' });
    const attr = attributeOf(text);
    if (attr) this.#out.push({ type: 'test:attr', id, key: attr.key, value: attr.value });
  }

  result(id: string, name: string, status: TestStatus): void {
    this.#out.push({ type: 'test:result', id, name, status });
  }
}
