/**
 * Which kunit.py a kernel tree ships, as far as reading logs goes: the tree's own kunit_tool decides how a
 * log is counted and worded (the synthetic failure of a `not ok` parent whose subtests all passed, the
 * second "no KTAP" hint line). Both changes arrived with mainline's parser fix c17ee635, which also added
 * its test log `test_is_test_passed-failure-nested.log`: a tree that has that log follows mainline, a tree
 * with an older kunit_tool follows 6.12, and without a tree vmunit follows mainline.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KUNIT_6_12_RULES, KUNIT_MAINLINE_RULES, type KunitRules } from '../ktap/rules.js';

const KUNIT_TOOL_DIR = 'tools/testing/kunit';
/** The test log mainline's parent-failure fix added (its presence dates the tree's kunit_parser.py). */
const MAINLINE_MARKER = 'test_data/test_is_test_passed-failure-nested.log';

/** The rules of the kunit.py in `kernelRoot` (mainline's when there is no tree, or no kunit_tool in it). */
export function kunitRulesForTree(kernelRoot: string | undefined): KunitRules {
  if (kernelRoot === undefined) return KUNIT_MAINLINE_RULES;
  const tool = join(kernelRoot, KUNIT_TOOL_DIR);
  if (!existsSync(join(tool, 'kunit.py'))) return KUNIT_MAINLINE_RULES;
  return existsSync(join(tool, MAINLINE_MARKER)) ? KUNIT_MAINLINE_RULES : KUNIT_6_12_RULES;
}
