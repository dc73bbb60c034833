/**
 * KTAP directives (`ok 1 name # SKIP reason`). kunit.py only acts on ` # SKIP` (upper case, which makes the
 * test SKIPPED whether `ok` or `not ok`); the KTAP spec also lists TODO, XFAIL, TIMEOUT and ERROR. vmunit
 * keeps those as a `TestDirective` beside the unchanged kunit-compatible status, so kunit.py output stays
 * identical while other reporters can show them.
 */

import type { DirectiveKind, TestDirective } from '../events/types.js';
import type { ResultLine } from './line-type.js';

const OTHER_KINDS: readonly DirectiveKind[] = ['TODO', 'XFAIL', 'TIMEOUT', 'ERROR'];

/**
 * Accepted format (after ` # `): `<KIND>[ <reason>]` or `<KIND>: <reason>`, KIND in upper case as the KTAP
 * spec writes them; a keyword glued to more letters (`TODOS`) is not a directive.
 * Example: `TIMEOUT after 300s` → { kind: 'TIMEOUT', reason: 'after 300s' }.
 */
export function parseDirectiveText(text: string): TestDirective | undefined {
  for (const kind of OTHER_KINDS) {
    if (!text.startsWith(kind)) continue;
    const rest = text.slice(kind.length);
    if (rest !== '' && !/^[\s:]/.test(rest)) return undefined;
    return { kind, reason: rest.replace(/^:/, '').trim() };
  }
  return undefined;
}

/**
 * The directive of a result line: SKIP exactly when kunit.py's SKIP rule matched (reason = text after
 * `SKIP`, trimmed), otherwise TODO/XFAIL/TIMEOUT/ERROR from the text after ` # `, else none.
 */
export function directiveOf(result: ResultLine): TestDirective | undefined {
  if (result.skipReason !== undefined) return { kind: 'SKIP', reason: result.skipReason.trim() };
  if (result.directiveText === '') return undefined;
  return parseDirectiveText(result.directiveText);
}
