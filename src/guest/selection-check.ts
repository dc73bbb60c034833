/**
 * Mistakes in choosing tests, worded once for every command that takes test names or groups (run,
 * standalone, install). run_tests.sh runs nothing and exits 0 for a misspelt name or group; a CI job would
 * then pass on nothing, so vmunit stops with exit 2 and says what exists.
 */

import { VmunitError } from '../util/errors.js';
import type { GuestTestSpec } from './cfg/spec.js';
import { groupFilter, keptTests } from './select.js';

const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

/**
 * Throws for names with no section in the cfg.
 * @throws VmunitError `TEST_NOT_FOUND`: "unknown test 'x': no [x] section in FILE".
 */
export function checkTestNames(
  specs: readonly GuestTestSpec[],
  names: readonly string[],
  cfgFile: string,
): void {
  const unknown = names.filter((name) => !specs.some((spec) => spec.name === name));
  if (unknown.length === 0) return;
  const sections = unknown.map((n) => `[${n}]`).join(', ');
  const what =
    unknown.length === 1
      ? `test ${quoted(unknown)}: no ${sections} section`
      : `tests ${quoted(unknown)}: no ${sections} sections`;
  throw new VmunitError('TEST_NOT_FOUND', `unknown ${what} in ${cfgFile}`);
}

/** Every group of the cfg, sorted. */
export function knownGroups(specs: readonly GuestTestSpec[]): string[] {
  return [...new Set(specs.flatMap((s) => s.groups))].sort();
}

/**
 * Throws when the names are unknown, a `-g` group is in no entry, or names and groups together keep no test.
 * @throws VmunitError `TEST_NOT_FOUND`, listing the known groups.
 */
export function checkSelection(
  specs: readonly GuestTestSpec[],
  tests: readonly string[],
  groups: readonly string[],
  cfgFile: string,
): void {
  checkTestNames(specs, tests, cfgFile);
  const known = knownGroups(specs);
  const groupList = `known groups: ${known.length === 0 ? '(none)' : known.join(' ')}`;
  const unknown = groupFilter(groups).filter((g) => !known.includes(g));
  if (unknown.length > 0) {
    const what = unknown.length === 1 ? 'group' : 'groups';
    throw new VmunitError(
      'TEST_NOT_FOUND',
      `unknown ${what} ${quoted(unknown)} in ${cfgFile} (${groupList}; --allow-empty runs nothing instead)`,
    );
  }
  if (keptTests(specs, tests, groups).length > 0) return;
  const asked = [...tests, ...groupFilter(groups).map((g) => `-g ${g}`)].join(' ');
  throw new VmunitError(
    'TEST_NOT_FOUND',
    `no test in ${cfgFile} is selected${asked === '' ? '' : ` by ${asked}`} (${groupList}; --allow-empty runs nothing instead)`,
  );
}
