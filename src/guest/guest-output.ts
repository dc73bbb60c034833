/**
 * Guest console → RunEvents for one test. Every line becomes a `test:log` of the test. Two report styles
 * are understood:
 *
 * - kvm-unit-tests' lib/report.c lines: `PASS: <prefixes><msg>`, `FAIL: …`, `SKIP: …`, `XFAIL: …`,
 *   `XPASS: …`, `KFAIL: …` each become a subtest of the test, so a failure names the failing check;
 *   `SUMMARY: …` gives the summary text as run_tests.sh extracts it (only from the last 5 lines).
 * - KTAP: from a `KTAP version` / `TAP version` line on, lines go to a KTAP parser (injected) whose events
 *   are nested under the test; the summary then comes from a `# SUMMARY: …` diagnostic (vmunit guest SDK).
 */

import type { RunEvent, TestDirective, TestStatus } from '../events/types.js';
import { parseExitLine } from './exit-code.js';

/** The slice of the KTAP parser the adapter needs (src/ktap/parser.ts `KtapParser`). */
export interface KtapSink {
  push(line: string): RunEvent[];
  end(): RunEvent[];
}

/** `parentDepth` is the depth of `parentId` (the guest test); its KTAP tests sit one level deeper. */
export type KtapSinkFactory = (options: {
  idPrefix: string;
  parentId: string;
  parentDepth: number;
}) => KtapSink;

interface LegacyKind {
  readonly status: TestStatus;
  readonly directive?: TestDirective['kind'];
  readonly failure: boolean;
}

/** report.c status words → KTAP-world statuses. XFAIL/KFAIL are expected failures, XPASS is a failure. */
const LEGACY: Readonly<Record<string, LegacyKind>> = {
  PASS: { status: 'SUCCESS', failure: false },
  FAIL: { status: 'FAILURE', failure: true },
  SKIP: { status: 'SKIPPED', directive: 'SKIP', failure: false },
  XFAIL: { status: 'SUCCESS', directive: 'XFAIL', failure: false },
  KFAIL: { status: 'SUCCESS', directive: 'XFAIL', failure: false },
  XPASS: { status: 'FAILURE', failure: true },
};

const LEGACY_LINE = /^(PASS|FAIL|SKIP|XFAIL|XPASS|KFAIL): (.*)$/;
const KTAP_START = /^\s*(KTAP|TAP) version \d+/;
const SUMMARY_WINDOW = 5;

export interface GuestOutputOptions {
  /** Id of the test node the guest's checks are nested under. */
  readonly testId: string;
  /** Depth of that node (children are one deeper). */
  readonly depth: number;
  readonly ktap?: KtapSinkFactory;
  readonly now?: () => number;
}

/** Stateful adapter for one guest run. */
export class GuestOutputAdapter {
  readonly #opts: GuestOutputOptions;
  readonly #tail: string[] = [];
  #ktap: KtapSink | undefined;
  #children = 0;
  #failed: string[] = [];
  #exitLine: number | undefined;
  #lines = 0;

  constructor(options: GuestOutputOptions) {
    this.#opts = options;
  }

  /** One console line (without its line end) → events. */
  push(line: string): RunEvent[] {
    this.#lines++;
    this.#tail.push(line);
    if (this.#tail.length > SUMMARY_WINDOW) this.#tail.shift();
    if (this.#exitLine === undefined) this.#exitLine = parseExitLine(line);
    const { testId } = this.#opts;
    const events: RunEvent[] = [];
    if (this.#ktap === undefined && this.#opts.ktap !== undefined && KTAP_START.test(line)) {
      this.#ktap = this.#opts.ktap({
        idPrefix: `${testId}/`,
        parentId: testId,
        parentDepth: this.#opts.depth,
      });
    }
    // The KTAP core's answer is returned as it is: one line can stand for millions of events (a large
    // plan's missing subtests), too many to spread into push().
    if (this.#ktap !== undefined) return this.#ktap.push(line);
    events.push({ type: 'test:log', id: testId, line, stream: 'serial' });
    const m = LEGACY_LINE.exec(line);
    if (m?.[1] !== undefined) events.push(...this.#legacy(m[1], m[2] ?? ''));
    return events;
  }

  #legacy(word: string, name: string): RunEvent[] {
    const kind = LEGACY[word];
    if (kind === undefined) return [];
    const index = ++this.#children;
    const id = `${this.#opts.testId}/${index}`;
    const time = this.#opts.now?.();
    if (kind.failure) this.#failed.push(`${word}: ${name}`);
    return [
      {
        type: 'test:start',
        id,
        parentId: this.#opts.testId,
        name,
        index,
        depth: this.#opts.depth + 1,
        isSuite: false,
        ...(time === undefined ? {} : { time }),
      },
      {
        type: 'test:result',
        id,
        name,
        number: index,
        status: kind.status,
        ...(kind.directive ? { directive: { kind: kind.directive, reason: '' } } : {}),
        ...(kind.failure ? { failures: [{ message: `${word}: ${name}` }] } : {}),
        ...(word === 'XPASS' ? { reason: 'unexpected pass' } : {}),
      },
    ];
  }

  /** Flushes the KTAP parser at the end of the run. */
  end(): RunEvent[] {
    return this.#ktap?.end() ?? [];
  }

  /**
   * run_tests.sh's summary: `tail -5 | grep '^SUMMARY: '`, `SUMMARY: ` replaced by `(` and `)` appended.
   * '' when the guest printed none in its last 5 lines.
   */
  get summary(): string {
    // KTAP guests of the vmunit SDK print the same line as a KTAP diagnostic (`# SUMMARY: …`).
    const prefix = this.#ktap === undefined ? 'SUMMARY: ' : '# SUMMARY: ';
    const lines = this.#tail.filter((l) => l.startsWith(prefix));
    return lines.map((l) => `(${l.slice(prefix.length)})`).join('\n');
  }

  /** Number of checks seen (legacy lines). */
  get checks(): number {
    return this.#children;
  }

  /** `FAIL: …` / `XPASS: …` lines, in order: what a failure message should name. */
  get failedChecks(): readonly string[] {
    return this.#failed;
  }

  /** The first `EXIT: STATUS=` value (exit-line arches). */
  get exitLineStatus(): number | undefined {
    return this.#exitLine;
  }

  /** Console lines seen. */
  get lineCount(): number {
    return this.#lines;
  }
}
