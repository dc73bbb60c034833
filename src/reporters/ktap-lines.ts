/**
 * Line-level KTAP v1 formatting for the KTAP writer: result lines with directives, diagnostic lines and
 * test-name escaping. Everything here is pure.
 */

import type { DirectiveKind, TestDirective, TestStatus } from '../events/types.js';
import { replaceInvalidXmlChars } from './escape.js';

/** One nesting level. KUnit indents nested KTAP by four spaces (ktap.rst allows any consistent amount). */
export const KTAP_INDENT = '    ';

/**
 * Newlines would end a KTAP line early and let text inject result lines, so they become spaces; other
 * control characters (escape sequences, NUL from a crashing guest) are made visible as `\xNN`.
 */
function oneLine(text: string, quote: (s: string) => string = (s) => s): string {
  return replaceInvalidXmlChars(quote(text.replace(/\r\n|[\r\n]/g, ' ')));
}

/** What a `#` in a test name is written as: U+FF03 FULLWIDTH NUMBER SIGN. */
export const KTAP_HASH_SUBSTITUTE = '\uff03';

/**
 * A test name as a result line can carry it. kunit.py's result regex, `^(ok|not ok) ([0-9]+)( - )?([^#]*)
 * ( # .*)?$`, admits no `#` in a name and no escapes (KTAP's `\#` makes it drop the whole line, and an x86
 * kvm-unit-tests run has hundreds of `#UD`/`#GP` checks), so `#` becomes `＃` (U+FF03) and everything else,
 * backslashes included, is written as it is: kunit.py and `vmunit parse` read the name back verbatim but
 * for that one character. The run record keeps the true name.
 */
export function escapeKtapName(name: string): string {
  return oneLine(name, (s) => s.replace(/#/g, KTAP_HASH_SUBSTITUTE));
}

/**
 * A log line as a KTAP diagnostic. Lines that already are diagnostics keep their text (indentation
 * dropped: the writer indents by nesting); anything else (guest serial output, unknown lines such as
 * KUnit's `Expected 1 + 1 == 3, but` block) gets a `# ` prefix in front of its original indentation, which
 * keeps operand lines readable, so output such as `ok 1 fake` or `KTAP version 1` from a guest can never be
 * read back as a result or a nested document. A `# Subtest:` line is prefixed again for the same reason.
 */
export function diagnosticLine(text: string): string {
  const line = oneLine(text).trimEnd();
  const content = line.trimStart();
  if (content === '') return '#';
  if (content.startsWith('#') && !/^#\s*Subtest:/i.test(content)) return content;
  return `# ${line}`;
}

/**
 * The name a result line gives a test without one (a nested KTAP document that had no `# Subtest:`, a
 * crashed test a producer did not name): kunit.py's result regex needs a name after the number, and a bare
 * `ok 1` reads as a log line, which hands the next result line to the wrong test.
 */
export const UNNAMED_TEST = '(unnamed)';

/** `# Subtest: name`, the header KUnit prints after a nested version line (named as its result line). */
export function subtestLine(name: string): string {
  return `# Subtest: ${escapeKtapName(name).trim()}`;
}

/** True when KTAP prints `ok` for this status (skips are `ok ... # SKIP`, as KUnit writes them). */
export function isOkResult(status: TestStatus): boolean {
  return status === 'SUCCESS' || status === 'SKIPPED' || status === 'NO_TESTS';
}

/**
 * The directive a result line carries: the producer's own, else SKIP for skipped tests and ERROR for
 * crashed ones (ktap.rst: "ERROR ... should be not ok"), with the reason as its text.
 */
export function directiveFor(
  status: TestStatus,
  directive: TestDirective | undefined,
  reason: string | undefined,
): TestDirective | undefined {
  if (directive) return directive;
  const kind: DirectiveKind | undefined =
    status === 'SKIPPED'
      ? 'SKIP'
      : status === 'TEST_CRASHED' || status === 'FAILURE_TO_PARSE_TESTS'
        ? 'ERROR'
        : undefined;
  return kind === undefined ? undefined : { kind, reason: reason ?? '' };
}

/** `ok 3 name # SKIP reason` / `not ok 4 name`. */
export function resultLine(
  number: number,
  name: string,
  status: TestStatus,
  directive: TestDirective | undefined,
): string {
  const head = `${isOkResult(status) ? 'ok' : 'not ok'} ${number}`;
  const title = ` ${escapeKtapName(name === '' ? UNNAMED_TEST : name)}`;
  if (!directive) return `${head}${title}`;
  const reason = oneLine(directive.reason).trim();
  return `${head}${title} # ${directive.kind}${reason === '' ? '' : ` ${reason}`}`;
}
