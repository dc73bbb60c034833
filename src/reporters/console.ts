/**
 * The kunit.py-style console reporter: prints as events arrive, line for line what kunit.py's parser prints
 * (kunit_parser.py, Linux 6.12): a 60-character `=` divider when a run starts; for each parent test a
 * centred header `name (N subtests)` and a footer `[PASSED] name`; `[PASSED]`/`[FAILED]`/`[CRASHED]`/
 * `[SKIPPED]`/`[NO TESTS RUN]` lines for test cases, preceded by the (dedented) log of failed and crashed
 * ones; `[ERROR] Test: name: message` where a parse problem is found; the closing divider and
 * `Testing complete. Ran N tests: …`, plus `Failures: …` for large failing runs.
 *
 * Memory is O(depth + failed tests): it keeps the logs of open tests only, and counts through CountTracker;
 * `failedOnly` keeps the failed tests (FailedTest) and nothing of those that passed.
 */

import { createWriteStream } from 'node:fs';
import { OpenTests } from '../events/open-tests.js';
import type {
  ParseIssueEvent,
  RunEvent,
  TestResultEvent,
  TestStartEvent,
  TestStatus,
} from '../events/types.js';
import { CountTracker, type FinishedTest, summarizeFailures } from '../ktap/counts.js';
import { type PassedLeaves, passedLeavesEvents } from '../ktap/fast-leaf.js';
import { formatCounts, isOkStatus, totalTests } from '../ktap/model.js';
import { pyDedentLines, pyLen, pySplitlines } from '../ktap/py-text.js';
import { Printer } from './printer.js';
import type { LeafReporter, ReporterOptions } from './types.js';

export const DIVIDER = '='.repeat(60);

/** kunit.py's format_test_divider: `message` centred in `=` signs; `len` excludes colour codes. */
export function formatTestDivider(message: string, len: number): string {
  const difference = DIVIDER.length - len - 2;
  let left = 3;
  let right = 3;
  if (difference > 0) {
    left = Math.floor(difference / 2);
    right = difference - left;
  }
  return `${equals(left)} ${message} ${equals(right)}`;
}

/**
 * Runs of `=` as short as a divider's sides (up to 29 each), made once: two `repeat`s per suite header and
 * footer were a large share of what a big log's structure lines allocate.
 */
const EQUALS = Array.from({ length: DIVIDER.length / 2 }, (_, n) => '='.repeat(n));

function equals(n: number): string {
  return EQUALS[n] ?? '='.repeat(n);
}

/** kunit.py's header text: `name ` (if named) plus `(1 subtest)`/`(N subtests)` when the plan is non-zero. */
export function headerMessage(name: string, expected: number | undefined): string {
  let message = name === '' ? '' : `${name} `;
  if (expected) message += expected === 1 ? '(1 subtest)' : `(${expected} subtests)`;
  return message;
}

/** kunit.py's result label of each status and its colour (red ones print the test's log first). */
const RESULT_LABELS: Readonly<Record<TestStatus, readonly [string, 'green' | 'yellow' | 'red']>> = {
  SUCCESS: ['[PASSED] ', 'green'],
  SKIPPED: ['[SKIPPED] ', 'yellow'],
  NO_TESTS: ['[NO TESTS RUN] ', 'yellow'],
  TEST_CRASHED: ['[CRASHED] ', 'red'],
  FAILURE: ['[FAILED] ', 'red'],
  FAILURE_TO_PARSE_TESTS: ['[FAILED] ', 'red'],
};

const PASSED = RESULT_LABELS.SUCCESS[0];

/** Length of a result line without colour codes, as kunit.py centres it. */
function plainLength(name: string, status: TestStatus): number {
  return RESULT_LABELS[status][0].length + pyLen(name);
}

export interface ConsoleReporterOptions {
  readonly printer: Printer;
  /** Print only the summary line(s) (kunit.py `--summary`). */
  readonly summaryOnly?: boolean;
  /**
   * Print nothing while parsing, then only the failed and crashed tests (with their logs and the headers
   * and footers of their failing parents) and the summary (mainline kunit.py `--failed`, which wins over
   * `--summary`).
   */
  readonly failedOnly?: boolean;
}

interface Open {
  name: string;
  readonly isSuite: boolean;
  readonly isRoot: boolean;
  /** Log lines, kept while they may still be printed. */
  log: string[] | undefined;
  /** Set once the log can no longer be printed (a root with a child). */
  dropLog: boolean;
  expected: number | undefined;
  /** The open parent, if any. */
  readonly parent: Open | undefined;
  /** How many subtests it started. */
  subtests: number;
  /** `failedOnly`: its subtests that failed, in order. */
  failed: FailedTest[] | undefined;
}

/** A test that failed, kept for `failedOnly`: what mainline kunit.py's print_test prints of it then. */
interface FailedTest {
  readonly name: string;
  readonly status: TestStatus;
  readonly log: readonly string[] | undefined;
  readonly expected: number | undefined;
  /** It had subtests (printed as a parent even when none of them failed). */
  readonly hasSubtests: boolean;
  readonly failed: readonly FailedTest[];
}

export class ConsoleReporter implements LeafReporter {
  readonly #p: Printer;
  readonly #out: Printer;
  readonly #tracker = new CountTracker({ trackFailures: true });
  readonly #open = new OpenTests<Open>();
  /** Print what failed once the run is over, as kunit.py does (the failed tests are kept till then). */
  readonly #failedOnly: boolean;
  #pendingHeader: string | undefined;
  #last: FinishedTest | undefined;
  /** The label of a passing case, coloured or not. */
  readonly #passed: string;

  constructor(options: ConsoleReporterOptions) {
    this.#out = options.printer;
    const quiet = options.summaryOnly === true || options.failedOnly === true;
    const drop = () => {};
    this.#p = quiet
      ? new Printer({ write: drop, writeLines: drop, color: options.printer.color })
      : this.#out;
    this.#failedOnly = options.failedOnly === true;
    this.#passed = this.#p.green(PASSED);
  }

  /** The last finished root (status, counts): what `kunit.py parse` bases its exit status on. */
  get lastRoot(): FinishedTest | undefined {
    return this.#last;
  }

  onEvent(event: RunEvent): void {
    const finished = this.#tracker.push(event);
    switch (event.type) {
      case 'test:start':
        this.#start(event);
        return;
      case 'test:plan': {
        const node = this.#open.get(event.id);
        if (node) node.expected = event.count;
        if (this.#pendingHeader === event.id) this.#flushHeader();
        return;
      }
      case 'test:log':
        this.#flushUnless(event.id);
        this.#appendLog(event.id, event.line);
        return;
      case 'test:attr':
        this.#flushUnless(event.id);
        return;
      case 'parse:issue':
        this.#issue(event);
        return;
      case 'test:result':
        this.#flushHeader();
        this.#result(event, finished);
        return;
      default:
        return;
    }
  }

  /** Passing cases of the parser's fast lane: what #start and #result print and count for each. */
  passedLeaves(leaves: PassedLeaves): void {
    const parent = this.#open.get(leaves.parentId);
    if (parent === undefined) {
      for (const event of passedLeavesEvents(leaves)) this.onEvent(event);
      return;
    }
    parent.subtests += leaves.count;
    if (this.#pendingHeader !== undefined) this.#flushHeader();
    if (parent.isRoot) {
      parent.log = undefined;
      parent.dropLog = true;
    }
    this.#tracker.passedLeaves(leaves.parentId, leaves.count);
    this.#p.printLinesWithTimestamp(this.#passed, leaves.bytes, leaves.names, leaves.count);
  }

  async close(): Promise<void> {}

  #start(event: TestStartEvent): void {
    this.#flushHeader();
    const parent = event.parentId === null ? undefined : this.#open.get(event.parentId);
    this.#open.set(event.id, {
      name: event.name,
      isSuite: event.isSuite,
      isRoot: parent === undefined,
      log: undefined,
      dropLog: false,
      expected: undefined,
      parent,
      subtests: 0,
      failed: undefined,
    });
    if (parent === undefined) {
      this.#p.printWithTimestamp(DIVIDER);
      return;
    }
    parent.subtests++;
    // A root prints its log only when it has no subtests ("0 tests run!"): stop keeping it.
    if (parent.isRoot) {
      parent.log = undefined;
      parent.dropLog = true;
    }
    if (event.isSuite) this.#pendingHeader = event.id;
  }

  #appendLog(id: string, line: string): void {
    const node = this.#open.get(id);
    if (!node || node.dropLog) return;
    if (node.log) node.log.push(line);
    else node.log = [line];
  }

  #flushUnless(id: string): void {
    if (this.#pendingHeader !== undefined && this.#pendingHeader !== id) this.#flushHeader();
  }

  #flushHeader(): void {
    const id = this.#pendingHeader;
    if (id === undefined) return;
    this.#pendingHeader = undefined;
    const node = this.#open.get(id);
    if (!node) return;
    const message = headerMessage(node.name, node.expected);
    this.#p.printWithTimestamp(formatTestDivider(message, pyLen(message)));
  }

  #issue(event: ParseIssueEvent): void {
    // A version problem is found before kunit.py prints the header; every other issue comes after it.
    if (!(event.kind === 'version' && event.id === this.#pendingHeader)) this.#flushHeader();
    const node = this.#open.get(event.id);
    if (event.kind === 'no-tests' || event.kind === 'no-more-results') this.#printLog(this.#p, node?.log);
    const name = event.testName ?? node?.name ?? '';
    this.#p.printWithTimestamp(`${this.#p.red('[ERROR]')} Test: ${name}: ${event.message}`);
  }

  #printLog(p: Printer, log: readonly string[] | undefined): void {
    if (!log || log.length === 0) return;
    // kunit.py: textwrap.dedent('\n'.join(log)).splitlines()
    for (const line of pySplitlines(pyDedentLines(log.join('\n').split('\n')).join('\n'))) {
      p.printWithTimestamp(p.yellow(line));
    }
  }

  /** kunit.py's format_test_result, printing the log first for failures and crashes. */
  #formatResult(p: Printer, name: string, status: TestStatus, log: readonly string[] | undefined): string {
    const [label, paint] = RESULT_LABELS[status];
    if (paint === 'red') this.#printLog(p, log);
    return p[paint](label) + name;
  }

  #result(event: TestResultEvent, finished: FinishedTest | undefined): void {
    const node = this.#open.get(event.id);
    if (!node || !finished) return;
    this.#open.delete(event.id);
    const failed = this.#failedOnly ? failedTest(event.name, finished.status, node) : undefined;
    if (node.isRoot) {
      this.#summary(finished, failed);
      return;
    }
    // A test that passed prints nothing under failedOnly: only the number of its parent's subtests counts.
    const parent = node.parent;
    if (failed !== undefined && parent !== undefined && !isOkStatus(failed.status)) {
      if (parent.failed === undefined) parent.failed = [failed];
      else parent.failed.push(failed);
    }
    const colored = this.#formatResult(this.#p, event.name, finished.status, node.log);
    if (node.isSuite)
      this.#p.printWithTimestamp(formatTestDivider(colored, plainLength(event.name, finished.status)));
    else this.#p.printWithTimestamp(colored);
  }

  /** mainline kunit.py's print_test(test, failed_only=True): what failed, after the run. */
  #printFailed(node: FailedTest, isRoot: boolean): void {
    const out = this.#out;
    if (isRoot && node.name === 'main') {
      out.printWithTimestamp(DIVIDER);
      for (const child of node.failed) this.#printFailed(child, false);
      out.printWithTimestamp(DIVIDER);
      return;
    }
    if (isOkStatus(node.status)) return;
    if (!node.hasSubtests) {
      out.printWithTimestamp(this.#formatResult(out, node.name, node.status, node.log));
      return;
    }
    const message = headerMessage(node.name, node.expected);
    out.printWithTimestamp(formatTestDivider(message, pyLen(message)));
    for (const child of node.failed) this.#printFailed(child, false);
    const colored = this.#formatResult(out, node.name, node.status, node.log);
    out.printWithTimestamp(formatTestDivider(colored, plainLength(node.name, node.status)));
  }

  #summary(root: FinishedTest, failed: FailedTest | undefined): void {
    this.#last = root;
    this.#p.printWithTimestamp(DIVIDER);
    if (failed !== undefined) this.#printFailed(failed, true);
    const out = this.#out;
    const color =
      root.status === 'SUCCESS'
        ? out.green.bind(out)
        : root.status === 'SKIPPED' || root.status === 'NO_TESTS'
          ? out.yellow.bind(out)
          : out.red.bind(out);
    out.printWithTimestamp(color(`Testing complete. ${formatCounts(root.counts)}`));
    if (isOkStatus(root.status) || totalTests(root.counts) < 100 || !root.failures) return;
    const failures = summarizeFailures(root.failures);
    if (failures) out.printWithTimestamp(color(failures));
  }
}

/** What `failedOnly` keeps of the finished test `node`: nothing of its subtests that passed. */
function failedTest(name: string, status: TestStatus, node: Open): FailedTest {
  return {
    name,
    status,
    log: node.log,
    expected: node.expected,
    hasSubtests: node.subtests > 0,
    failed: node.failed ?? [],
  };
}

/** Options of the factory: where to write, colour, and the clock. */
export interface ConsoleFactoryOptions extends ReporterOptions {
  readonly now?: () => number;
  readonly summaryOnly?: boolean;
  readonly failedOnly?: boolean;
}

/** A console reporter writing to a stream or a file (streamed as events arrive). */
export function createConsoleReporter(opts: ConsoleFactoryOptions): ConsoleReporter {
  const stream =
    typeof opts.destination === 'string' ? createWriteStream(opts.destination) : opts.destination;
  const printer = new Printer({
    write: (text) => {
      stream.write(text);
    },
    color: opts.color,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const reporter = new ConsoleReporter({
    printer,
    ...(opts.summaryOnly ? { summaryOnly: true } : {}),
    ...(opts.failedOnly ? { failedOnly: true } : {}),
  });
  if (typeof opts.destination === 'string') {
    const close = reporter.close.bind(reporter);
    reporter.close = async () => {
      await close();
      await new Promise<void>((resolve) => stream.end(resolve));
    };
  }
  return reporter;
}
