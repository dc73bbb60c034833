/**
 * The run record: the one document every report is rendered from, and what shards, merges and comparisons
 * read. A results folder holds it twice:
 * - `events.jsonl`, the append-only log of `RunEvent`s (one JSON object a line, flushed as each test ends),
 *   so a killed run still leaves a record that `vmunit report` can render;
 * - `record.json`, the folded document below (`RunRecord`), rewritten atomically as tests end and at the end.
 *
 * Two levels, because a harness verdict and the checks a guest printed are different facts:
 * - a **test** is what a harness runs and judges: a unittests.cfg entry, a kernel boot or KUnit suite, a
 *   unit-library suite, a top-level KTAP subtest of a parsed log. Its `verdict` is the harness's word and
 *   is never recomputed from its checks (a timeout after 20 passing checks is a FAIL);
 * - a **check** is a result inside a test: a guest `report()` line, a KUnit case or parameter, a unit case.
 *
 * Versioned: readers refuse a `format`/`version` they do not know. Adding an optional field keeps the
 * version; changing the meaning of one bumps it. The JSON Schema is docs/record.schema.json.
 */

import type {
  FailureDetail,
  ParseIssueKind,
  ProducerKind,
  TestDirective,
  TestStatus,
} from '../events/types.js';

export const RECORD_FORMAT = 'vmunit-record';
export const RECORD_VERSION = 1;

/** A test's harness verdict, in the vocabulary CI systems share (run_tests.sh, KCIDB). */
export type Verdict = 'PASS' | 'FAIL' | 'SKIP' | 'ERROR' | 'MISS';

/** Counts at one level. `total` is the sum of the others. */
export interface LevelCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Crashed, timed out, aborted (the KUnit TEST_CRASHED bucket). */
  errors: number;
  /** Tests that should have run and did not (a merge finds a shard missing). */
  missing: number;
}

/** Which slice of a full test list a run covered (`--shard i/N`). */
export interface ShardInfo {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
  /** The full selected list every shard partitioned (after selection and nodefault expansion). */
  readonly list: readonly string[];
}

/** Where and how the run happened. Fields a producer does not know are omitted. */
export interface RunMeta {
  readonly producer: ProducerKind;
  /** What ran: a tree, a kernel build dir, a log file, a test folder. */
  readonly name: string;
  readonly tool: { readonly name: 'vmunit'; readonly version: string };
  /** argv after `node`: what the user typed. */
  readonly command: readonly string[];
  readonly cwd?: string;
  readonly host?: {
    readonly hostname: string;
    readonly os: string;
    readonly kernelRelease: string;
    readonly cpus: number;
  };
  readonly arch?: string;
  readonly accel?: string;
  /** Why that accelerator: '/dev/kvm opened', 'ACCEL=tcg', '/dev/kvm not usable: …'. */
  readonly accelReason?: string;
  readonly qemu?: { readonly path: string; readonly version: string };
  readonly firmware?: string;
  readonly tree?: { readonly dir: string; readonly head?: string };
  readonly kernelRelease?: string;
  readonly maxSmp?: number;
  readonly jobs?: number;
  readonly shard?: ShardInfo;
  /** ISO 8601. */
  readonly startTime: string;
  readonly endTime?: string;
  /** True once the run ended normally; false while running or when killed before run:end. */
  readonly complete: boolean;
  readonly interrupted: boolean;
  /** Anything else a producer knows (KernelCI-style `key: value`). */
  readonly extra?: Readonly<Record<string, string>>;
  /** The run's wall time as run:end gave it. */
  readonly elapsedMs?: number;
  /**
   * The producer's run:start `meta`, verbatim: what JUnit shows as `<properties>`. Kept apart from the
   * fields above (which the CLI fills) so that a report rendered from the record equals the live one.
   */
  readonly properties?: Readonly<Record<string, string>>;
}

/** A result inside a test, nested as the producer nested it. */
export interface RecordCheck {
  readonly name: string;
  readonly status: TestStatus;
  readonly directive?: TestDirective;
  readonly reason?: string;
  readonly durationMs?: number;
  readonly failures?: readonly FailureDetail[];
  /** Diagnostic lines that belong to this check. */
  readonly log?: readonly string[];
  readonly checks?: readonly RecordCheck[];
  readonly attributes?: Readonly<Record<string, string>>;
  /** The rest of what the producer said about the node, so every reporter can render it again. */
  readonly node?: NodeFacts;
}

/**
 * Producer facts below the verdict: the number printed on the result line, a plan, attributes, parse
 * issues, and whether the node was announced as a parent. Optional; absent facts were not given.
 */
export interface NodeFacts {
  /** The event id, when it is not `<parent id>/<position>` (`root` for a root). */
  readonly id?: string;
  /** The name at test:start, when the result renamed the node (a `# Subtest:` header's name). */
  readonly startName?: string;
  /** The test:start index, when it is not the position (a producer that skipped numbers). */
  readonly index?: number;
  /** The node never got its result: its status is the crash the record gave it. */
  readonly unfinished?: boolean;
  readonly number?: number;
  readonly plan?: number;
  readonly suite?: boolean;
  readonly issues?: readonly RecordIssue[];
}

/** A parse problem on a node (`parse:issue`), as the KTAP parser reported it. */
export interface RecordIssue {
  readonly message: string;
  readonly line?: number;
  readonly kind?: ParseIssueKind;
  readonly testName?: string;
}

/** One harness-level test. */
export interface RecordTest {
  /** Stable within the record; cfg/declaration order is the order of `RunRecord.tests`. */
  readonly id: string;
  readonly name: string;
  readonly verdict: Verdict;
  /** The kunit.py-style status of the test node, for KTAP/kunit-compatible output. */
  readonly status: TestStatus;
  readonly directive?: TestDirective;
  /** Why: 'timeout; duration=90s', 'x86_64 only', 'aborted (exit 127)', 'missing from shard 2/3'. */
  readonly reason?: string;
  readonly durationMs?: number;
  /** Log file relative to the results folder, when one was written. */
  readonly log?: string;
  readonly startTime?: string;
  readonly checks: readonly RecordCheck[];
  /** Check-level counts of this test (leaves only). */
  readonly counts: LevelCounts;
  /** Lines from the run that belong to the test itself (a harness message, the abort line). */
  readonly output?: readonly string[];
  /** Reserved; parse problems are in `node.issues`, with their line and kind. */
  readonly issues?: readonly string[];
  readonly attributes?: Readonly<Record<string, string>>;
  readonly failures?: readonly FailureDetail[];
  /** Index into `RunRecord.roots` when there are several. */
  readonly root?: number;
  /** As `RecordCheck.node`. */
  readonly node?: NodeFacts;
}

/**
 * The node tests hang from: the guest run's arch node, KTAP's "main", a kernel run. It is not a test, but
 * reports show its name, plan, log and parse issues.
 */
export interface RecordRoot {
  readonly name: string;
  readonly status: TestStatus;
  readonly directive?: TestDirective;
  readonly reason?: string;
  readonly durationMs?: number;
  readonly log?: readonly string[];
  readonly attributes?: Readonly<Record<string, string>>;
  readonly node?: NodeFacts;
}

export interface RunRecord {
  readonly format: typeof RECORD_FORMAT;
  readonly version: typeof RECORD_VERSION;
  readonly run: RunMeta;
  /** One per run:start of the events (several for merged runs); tests point at theirs by `root`. */
  readonly roots?: readonly RecordRoot[];
  readonly tests: readonly RecordTest[];
  readonly counts: { readonly tests: LevelCounts; readonly checks: LevelCounts };
}
