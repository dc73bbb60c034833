/**
 * What a `kunit.action=list` boot prints, turned into test names, and the filter globs of an isolated run
 * (kunit.py's _list_tests, _suites_from_test_list and the suite/test split of --run_isolated), pure; and the
 * suite list cached for shell completion.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VmunitError } from '../util/errors.js';
import type { IsolationMode } from './types.js';

const TEST_NAME = /^[^\s.]+\.[^\s.]+$/;

/**
 * Test names from the KTAP-extracted lines of a listing boot: the first line (the dummy version header the
 * executor prints) is dropped, then only `suite.test` lines are kept (other kernel output may interleave).
 */
export function testNamesFromListing(extracted: readonly string[]): string[] {
  return extracted.slice(1).filter((line) => TEST_NAME.test(line));
}

/** Suite names in first-seen order of consecutive runs (kunit.py's _suites_from_test_list). */
export function suitesFromTests(tests: readonly string[]): string[] {
  const suites: string[] = [];
  for (const test of tests) {
    const parts = test.split('.');
    if (parts.length !== 2) {
      throw new VmunitError(
        'INTERNAL',
        `internal KUnit error, test name should be of the form "<suite>.<test>", got "${test}"`,
      );
    }
    const suite = parts[0] as string;
    if (suites.at(-1) !== suite) suites.push(suite);
  }
  return suites;
}

/**
 * One filter glob per isolated boot. By suite, the test part of the user's glob (after its first '.') is
 * kept on every suite, so `suite*.test*` boots `suite.test*`, `suite2.test*`.
 */
export function isolatedGlobs(mode: IsolationMode, tests: readonly string[], userGlob: string): string[] {
  if (mode === 'test') return [...tests];
  const suites = suitesFromTests(tests);
  const dot = userGlob.indexOf('.');
  if (dot < 0) return suites;
  const testPart = userGlob.slice(dot + 1).split('.')[0] as string;
  return suites.map((suite) => `${suite}.${testPart}`);
}

/**
 * `<build_dir>/.vmunit-suites`: the suites of the last unfiltered listing boot, one per line, for shell
 * completion (which must not boot a kernel to offer suite names).
 */
export function suiteCachePath(buildDir: string): string {
  return join(buildDir, '.vmunit-suites');
}

export async function writeSuiteCache(buildDir: string, suites: readonly string[]): Promise<void> {
  await writeFile(suiteCachePath(buildDir), suites.map((s) => `${s}\n`).join(''));
}
