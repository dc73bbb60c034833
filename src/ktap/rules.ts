/**
 * What differs between kunit.py versions when they read the same log. vmunit follows the kunit.py of the
 * kernel tree in use (see src/kernel/kunit-version.ts), and mainline's when there is no tree.
 */

import type { StatusRule } from './status.js';

export interface KunitRules extends StatusRule {
  /** Mainline adds a second line to the "no KTAP" error, pointing at --raw_output=all. */
  readonly noKtapHint: boolean;
  /** 6.12 spells its version error "higer than expected"; mainline fixed the word. */
  readonly versionTypo: boolean;
}

/** Linux 6.12's kunit.py: the reference of the conformance goldens. */
export const KUNIT_6_12_RULES: KunitRules = { parentFailure: false, noKtapHint: false, versionTypo: true };

/** Mainline kunit.py (2026): a `not ok` parent whose subtests passed counts one failure; two-line hint. */
export const KUNIT_MAINLINE_RULES: KunitRules = { parentFailure: true, noKtapHint: true, versionTypo: false };

/** The rule sets by name, for `VMUNIT_KUNIT_RULES` (a log compared with a kunit.py version but no tree). */
export const KUNIT_RULES_BY_NAME: Readonly<Record<string, KunitRules>> = {
  '6.12': KUNIT_6_12_RULES,
  mainline: KUNIT_MAINLINE_RULES,
};

/** kunit.py's error when a log holds no KTAP, with mainline's hint line when `rules` ask for it. */
export function noKtapMessage(rules: KunitRules): string {
  const first = 'Could not find any KTAP output. Did any KUnit tests run?';
  return rules.noKtapHint
    ? `${first}\nTry running with the --raw_output=all option to see any log messages.`
    : first;
}
