/**
 * KernelCI-style JSON, field for field kunit.py's kunit_json.py (Linux 6.12): a group per test with
 * subtests (`name`, `sub_groups`, `test_cases`, then the common fields `arch`, `defconfig`,
 * `build_environment`, `lab_name`, `kernel`, `job`, `git_branch`), test cases as `{name, status}` with
 * SUCCESS→PASS, SKIPPED→SKIP, TEST_CRASHED→ERROR, anything else→FAIL, the top group renamed
 * "KUnit Test Group", and Python's `json.dumps(indent=4)` text (ASCII only, `\uXXXX` escapes).
 *
 * vmunit's reporter adds a case for the verdict of a test whose own result failed while its checks passed
 * (verdict.ts); `kunitCompatible` leaves it off, as `vmunit parse --json` and `vmunit kunit` need.
 *
 * Needs the whole tree, so it folds events with TreeBuilder and writes on close (memory O(tests)).
 */

import type { RunEvent } from '../events/types.js';
import type { TestNode } from '../ktap/model.js';
import { TreeBuilder } from '../ktap/tree.js';
import { writeDocument } from '../util/sink.js';
import {
  asciiOnly,
  commonFields,
  createStreamingKunitJson,
  type KunitJsonMetadata,
  STATUS_MAP,
} from './json-kunit-stream.js';
import type { Reporter, ReporterOptions } from './types.js';

export type { KunitJsonMetadata };

import { addVerdictCases } from './verdict.js';

interface JsonGroup {
  name: string;
  sub_groups: JsonGroup[];
  test_cases: { name: string; status: string }[];
  [common: string]: unknown;
}

function group(test: TestNode, common: Record<string, string | null>): JsonGroup {
  const subGroups: JsonGroup[] = [];
  const cases: { name: string; status: string }[] = [];
  for (const sub of test.subtests) {
    if (sub.subtests.length > 0) subGroups.push(group(sub, common));
    else cases.push({ name: sub.name, status: STATUS_MAP[sub.status] ?? 'FAIL' });
  }
  return { name: test.name, sub_groups: subGroups, test_cases: cases, ...common };
}

/** Python's `json.dumps(..., indent=4)` with its default `ensure_ascii=True`. */
export function pythonJsonDumps(value: unknown): string {
  return asciiOnly(JSON.stringify(value, null, 4));
}

/** kunit_json.get_json_result: the JSON text for a parsed root. */
export function kunitJson(root: TestNode, meta: KunitJsonMetadata = {}): string {
  const top = group(root, commonFields(meta));
  top.name = 'KUnit Test Group';
  return pythonJsonDumps(top);
}

export interface KunitJsonReporterOptions extends ReporterOptions {
  readonly metadata?: KunitJsonMetadata;
  /** Exactly kunit_json.py: no case for the verdict of a test whose checks passed (verdict.ts). */
  readonly kunitCompatible?: boolean;
}

/**
 * A reporter writing kunit.py's JSON: to a file exactly as kunit.py writes it (no final newline, renamed
 * into place when complete), or to a stream followed by a newline (kunit.py `print`s it).
 * kunit-compatible output is streamed (json-kunit-stream.ts); the verdict cases need the whole tree.
 */
export function createKunitJsonReporter(opts: KunitJsonReporterOptions): Reporter {
  if (opts.kunitCompatible)
    return createStreamingKunitJson(opts.destination, commonFields(opts.metadata ?? {}));
  const builder = new TreeBuilder();
  return {
    onEvent(event: RunEvent): void {
      builder.push(event);
    },
    async close(): Promise<void> {
      const root = builder.root();
      addVerdictCases(root);
      const text = kunitJson(root, opts.metadata);
      if (typeof opts.destination === 'string') await writeDocument(opts.destination, text);
      else opts.destination.write(`${text}\n`);
    },
  };
}
