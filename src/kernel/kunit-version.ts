/**
 * Which kunit.py a kernel tree ships, as far as reading logs goes: the tree's own kunit_tool decides how a
 * log is counted and worded. Each rule is read from the tree's kunit_parser.py itself (the code or message
 * that carries it), not guessed from a version number or a test file: distribution trees and partial
 * copies carry the parser but not always its test data, and backports move rules between versions.
 * Without a tree, or without a kunit_parser.py in it, vmunit follows mainline.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUNIT_MAINLINE_RULES, type KunitRules } from '../ktap/rules.js';

const KUNIT_PARSER = 'tools/testing/kunit/kunit_parser.py';

/** The rules a kunit_parser.py's source shows. Pure. */
export function kunitRulesOfParser(source: string): KunitRules {
  return {
    // bubble_up_test_results: a FAILURE status whose counts say SUCCESS adds one failure.
    parentFailure:
      /status\s*==\s*TestStatus\.FAILURE\s+and\s+[\w.]*get_status\(\)\s*==\s*TestStatus\.SUCCESS/.test(
        source,
      ),
    noKtapHint: source.includes('--raw_output=all option to see any log messages'),
    versionTypo: source.includes('version higer than expected'),
  };
}

/** The rules of the kunit.py in `kernelRoot` (mainline's when there is no tree, or no parser in it). */
export function kunitRulesForTree(kernelRoot: string | undefined): KunitRules {
  if (kernelRoot === undefined) return KUNIT_MAINLINE_RULES;
  let source: string;
  try {
    source = readFileSync(join(kernelRoot, KUNIT_PARSER), 'utf8');
  } catch {
    return KUNIT_MAINLINE_RULES;
  }
  return kunitRulesOfParser(source);
}
