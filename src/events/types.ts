/**
 * The one event protocol of vmunit. Every producer (the KTAP parser, the guest runner, the kernel tool and
 * the unit library) emits `RunEvent`s; every reporter and the tree builder consume them. Adding a field is
 * fine; changing the meaning of one breaks every reporter, so extend, never redefine.
 *
 * Identity: each test node has an `id` unique within one run. Producers that run tests concurrently (the
 * guest runner with -j, isolated kernel boots) interleave events of different tests, so reporters must key
 * on `id`/`parentId`, never on arrival order alone. Order *within* one parent is the declaration order in
 * which `test:start` events arrive.
 */

/**
 * kunit.py-compatible status of a finished test (kunit_parser.TestStatus). `TODO`, `XFAIL`, `TIMEOUT` and
 * `ERROR` directives are not statuses in kunit.py; vmunit keeps them in `TestDirective` beside the status
 * so that kunit-compatible output stays identical while other reporters can show them.
 */
export type TestStatus =
  | 'SUCCESS'
  | 'FAILURE'
  | 'SKIPPED'
  | 'TEST_CRASHED'
  | 'NO_TESTS'
  | 'FAILURE_TO_PARSE_TESTS';

/** KTAP/TAP directive kinds, kept as distinct outcomes. */
export type DirectiveKind = 'SKIP' | 'TODO' | 'XFAIL' | 'TIMEOUT' | 'ERROR';

/** A directive from a result line (`ok 1 name # SKIP reason`) or set by a producer (a guest timeout). */
export interface TestDirective {
  readonly kind: DirectiveKind;
  /** Text after the directive keyword, trimmed; '' when absent. */
  readonly reason: string;
}

/** Which kind of producer generated a run. */
export type ProducerKind = 'ktap' | 'guest' | 'kernel' | 'unit';

/** Where a check failed (unit library assertions, guest report lines). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** Structured failure detail, rendered by reporters (the unit library fills it; parsers may not). */
export interface FailureDetail {
  readonly message: string;
  /** e.g. 'EQ', 'STREQ', 'TRUE'. */
  readonly operator?: string;
  /** Operands as written in the source, e.g. `1 + 1`. */
  readonly leftText?: string;
  readonly rightText?: string;
  /** Operand values, already formatted for display. */
  readonly leftValue?: string;
  readonly rightValue?: string;
  readonly location?: SourceLocation;
}

/** Fields common to every event. `time` is epoch milliseconds when the producer observed the event. */
interface EventBase {
  readonly time?: number;
}

/** A run begins. One per producer invocation (merged runs may carry several). */
export interface RunStartEvent extends EventBase {
  readonly type: 'run:start';
  readonly producer: ProducerKind;
  /** Human name of what runs: a log file, a kvm-unit-tests tree, a kernel build dir. */
  readonly name: string;
  /** Free-form metadata: arch, accel, qemu version, kernel config... (KernelCI JSON takes arch etc.). */
  readonly meta?: Readonly<Record<string, string>>;
  /**
   * Counting rules of the kunit.py version the producer follows; TreeBuilder and CountTracker adopt them
   * unless given their own, so every reporter counts as the producer's console does.
   */
  readonly rules?: { readonly parentFailure?: boolean };
}

/** A test node begins. For KTAP leaves it is emitted right before their `test:result`. */
export interface TestStartEvent extends EventBase {
  readonly type: 'test:start';
  readonly id: string;
  /** `null` for the root ("main") node of a run. */
  readonly parentId: string | null;
  /** Name known at start ('' for an unnamed KTAP subtest, whose name arrives with its result). */
  readonly name: string;
  /** 1-based position within the parent (KTAP test number expected at this position). */
  readonly index: number;
  /** Nesting depth: 0 for the root node. */
  readonly depth: number;
  /** True when the node is known to be a parent (had a version line, `# Subtest:` or a plan). */
  readonly isSuite: boolean;
}

/** A parent declared how many children it expects (`1..N`). */
export interface TestPlanEvent extends EventBase {
  readonly type: 'test:plan';
  readonly id: string;
  readonly count: number;
}

/** An attribute of a test (`# module: x`, `# name.speed: slow`, unit-library attributes). */
export interface TestAttributeEvent extends EventBase {
  readonly type: 'test:attr';
  readonly id: string;
  readonly key: string;
  readonly value: string;
}

/**
 * A line of log belonging to a test: KTAP diagnostics and unknown lines, guest serial output, stderr of a
 * producer. `stream` tells where it came from.
 */
export interface TestLogEvent extends EventBase {
  readonly type: 'test:log';
  readonly id: string;
  readonly line: string;
  readonly stream?: 'ktap' | 'stdout' | 'stderr' | 'serial';
}

/** A test finished. Exactly one per `test:start`. */
export interface TestResultEvent extends EventBase {
  readonly type: 'test:result';
  readonly id: string;
  /** Final name (a KTAP result line's name replaces the `# Subtest:` name, as kunit.py does). */
  readonly name: string;
  /** The number printed on the result line; undefined when the producer has none. */
  readonly number?: number;
  readonly status: TestStatus;
  readonly directive?: TestDirective;
  readonly durationMs?: number;
  /** Why: a guest runner reason string ("x86_64 only", "timeout"), or a crash explanation. */
  readonly reason?: string;
  readonly failures?: readonly FailureDetail[];
  /**
   * The harness's own words after the name on its result line, e.g. run_tests.sh's `(timeout;
   * duration=90s)`, `(12 tests, 1 unexpected failures)` or '' (guest runner tests only).
   */
  readonly resultText?: string;
  /** The test's log file, relative to the results folder, when the producer wrote one. */
  readonly log?: string;
}

/**
 * A problem in the input, recorded on a node and never thrown (kunit.py's `add_error`). Reporters count
 * them in `errors` and print `[ERROR] Test: <name>: <message>`.
 */
export interface ParseIssueEvent extends EventBase {
  readonly type: 'parse:issue';
  readonly id: string;
  readonly message: string;
  /** 1-based input line number, when known. */
  readonly line?: number;
  /** Machine-readable kind, set by the KTAP parser (the console reporter keys its kunit.py layout on it). */
  readonly kind?: ParseIssueKind;
  /**
   * The test's name as known when the issue was found, which kunit.py prints in `[ERROR] Test: <name>: …`
   * (e.g. '' for a version problem seen before the `# Subtest:` line); defaults to the node's name.
   */
  readonly testName?: string;
}

/**
 * KTAP parse issue kinds: no KTAP at all; a version out of range; a planned subtest that never came; a named
 * subtest without its result line; input ended where a result was due; a result numbered out of sequence;
 * a parent with no subtests; and two vmunit-only guards where kunit.py would loop forever or print millions
 * of placeholders (a plan line among results of an unplanned list; an absurd number of missing subtests).
 */
export type ParseIssueKind =
  | 'no-ktap'
  | 'version'
  | 'missing-subtest'
  | 'missing-result'
  | 'no-more-results'
  | 'test-number'
  | 'no-tests'
  | 'stray-plan'
  | 'too-many-missing';

/** Progress of a long step that is not a test (guest runner probing QEMU, kernel build stages). */
export interface StageEvent extends EventBase {
  readonly type: 'stage';
  readonly name: string;
  readonly state: 'start' | 'end';
  readonly status?: 'SUCCESS' | 'FAILURE';
  readonly elapsedMs?: number;
  readonly message?: string;
}

/** A run ended. `interrupted` is set when it was cut short (Ctrl-C, SIGTERM, truncated input). */
export interface RunEndEvent extends EventBase {
  readonly type: 'run:end';
  readonly interrupted?: boolean;
  readonly elapsedMs?: number;
}

/** The discriminated union every producer emits and every reporter consumes. */
export type RunEvent =
  | RunStartEvent
  | TestStartEvent
  | TestPlanEvent
  | TestAttributeEvent
  | TestLogEvent
  | TestResultEvent
  | ParseIssueEvent
  | StageEvent
  | RunEndEvent;

export type RunEventType = RunEvent['type'];

/** Exhaustiveness helper for `switch (event.type)`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
