/**
 * Plain-text rendering of structured failure detail, shared by the JUnit, KTAP and HTML reporters so that
 * a failed check reads the same everywhere. The shape follows KUnit's expectation messages:
 *   EXPECTATION FAILED at lib/kunit/example-test.c:30
 *   Expected 1 + 1 == 3, but
 *       1 + 1 == 2
 *       3 == 3
 */

import type { FailureDetail, SourceLocation } from '../events/types.js';

/** `file:line` or `file:line:column`. */
export function formatLocation(location: SourceLocation): string {
  const column = location.column === undefined ? '' : `:${location.column}`;
  return `${location.file}:${location.line}${column}`;
}

/** Symbol for a KUnit-style operator name; unknown names are shown as they are. */
const OPERATOR_SYMBOLS: Readonly<Record<string, string>> = {
  EQ: '==',
  NE: '!=',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  STREQ: '==',
  STRNEQ: '!=',
  PTR_EQ: '==',
  PTR_NE: '!=',
};

/** The lines describing one failure, without indentation or comment markers. */
export function formatFailure(detail: FailureDetail): string[] {
  const lines: string[] = [];
  const where = detail.location ? ` at ${formatLocation(detail.location)}` : '';
  lines.push(`${detail.message}${where}`);
  const { leftText, rightText, leftValue, rightValue, operator } = detail;
  if (leftText !== undefined && rightText !== undefined) {
    const op = operator === undefined ? '?' : (OPERATOR_SYMBOLS[operator] ?? operator);
    lines.push(`Expected ${leftText} ${op} ${rightText}, but`);
    if (leftValue !== undefined) lines.push(`    ${leftText} == ${leftValue}`);
    if (rightValue !== undefined) lines.push(`    ${rightText} == ${rightValue}`);
  } else if (leftText !== undefined) {
    lines.push(`Expected ${leftText} to be ${operator === 'FALSE' ? 'false' : 'true'}, but is not`);
    if (leftValue !== undefined) lines.push(`    ${leftText} == ${leftValue}`);
  }
  return lines;
}
