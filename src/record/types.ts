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

import type { FailureDetail, ProducerKind, TestDirective, TestStatus } from '../events/types.js';

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
  /**
   * For each entry of `list`, the 1-based shard that runs it, so a merge can name the shard a missing
   * test belonged to even when that shard left no record.
   */
  readonly assignment?: readonly number[];
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
  /** Parse problems found in this test's output (KTAP issues), as `[ERROR]` lines print them. */
  readonly issues?: readonly string[];
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface RunRecord {
  readonly format: typeof RECORD_FORMAT;
  readonly version: typeof RECORD_VERSION;
  readonly run: RunMeta;
  readonly tests: readonly RecordTest[];
  readonly counts: { readonly tests: LevelCounts; readonly checks: LevelCounts };
}
