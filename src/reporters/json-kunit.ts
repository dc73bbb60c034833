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

import type { RunEvent, TestStatus } from '../events/types.js';
import type { TestNode } from '../ktap/model.js';
import { TreeBuilder } from '../ktap/tree.js';
import { writeDocument } from './sink.js';
import type { Reporter, ReporterOptions } from './types.js';
import { addVerdictCases } from './verdict.js';

/** kunit_json.Metadata: empty for `parse`; the kernel tool passes its arch, defconfig and build dir. */
export interface KunitJsonMetadata {
  readonly arch?: string;
  readonly defconfig?: string;
  readonly buildDir?: string;
}

const STATUS_MAP: Partial<Record<TestStatus, string>> = {
  SUCCESS: 'PASS',
  SKIPPED: 'SKIP',
  TEST_CRASHED: 'ERROR',
};

interface JsonGroup {
  name: string;
  sub_groups: JsonGroup[];
  test_cases: { name: string; status: string }[];
  [common: string]: unknown;
}

function commonFields(meta: KunitJsonMetadata): Record<string, string | null> {
  return {
    arch: meta.arch ?? '',
    defconfig: meta.defconfig ?? '',
    build_environment: meta.buildDir ?? '',
    lab_name: null,
    kernel: null,
    job: null,
    git_branch: 'kselftest',
  };
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
  return JSON.stringify(value, null, 4).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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
 * A reporter writing kunit.py's JSON on close: to a file exactly as kunit.py writes it (no final newline),
 * or to a stream followed by a newline (kunit.py `print`s it).
 */
export function createKunitJsonReporter(opts: KunitJsonReporterOptions): Reporter {
  const builder = new TreeBuilder();
  return {
    onEvent(event: RunEvent): void {
      builder.push(event);
    },
    async close(): Promise<void> {
      const root = builder.root();
      if (!opts.kunitCompatible) addVerdictCases(root);
      const text = kunitJson(root, opts.metadata);
      if (typeof opts.destination === 'string') await writeDocument(opts.destination, text);
      else opts.destination.write(`${text}\n`);
    },
  };
}
