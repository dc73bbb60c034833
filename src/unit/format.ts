/**
 * Text of a failed check, in KUnit's shape (lib/kunit/assert.c):
 *
 *     # case: EXPECTATION FAILED at test/x.kunit.ts:12
 *     Expected 1 + 1 == 3, but
 *         1 + 1 == 2 (0x2)
 *     optional message
 *
 * Structured data (FailureDetail) travels in the events; these lines are the log KUnit would print, so
 * KTAP output read by kunit.py shows the same thing a kernel would.
 */

import { inspect } from 'node:util';
import type { FailureDetail } from '../events/types.js';

/** Operand display: integers as `2 (0x2)` like KUnit's `%lld (0x%llx)`, the rest through util.inspect. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value))
    return `${value} (${value < 0 ? '-' : ''}0x${Math.abs(value).toString(16)})`;
  if (typeof value === 'bigint')
    return `${value}n (${value < 0n ? '-' : ''}0x${(value < 0n ? -value : value).toString(16)})`;
  return inspect(value, {
    depth: 4,
    breakLength: Number.POSITIVE_INFINITY,
    maxStringLength: 500,
    maxArrayLength: 50,
  });
}

/**
 * KUnit's is_literal()/is_str_literal(): an operand written as the literal of its own value (`3`, `"abc"`)
 * adds nothing, so its `x == x` line is left out.
 */
export function isLiteral(text: string | undefined, value: unknown): boolean {
  if (text === undefined) return false;
  if (typeof value === 'number' || typeof value === 'boolean') return text === String(value);
  if (typeof value === 'bigint') return text === `${value}n`;
  if (typeof value === 'string') return text === JSON.stringify(value) || text === `'${value}'`;
  return text === 'null' ? value === null : text === 'undefined' && value === undefined;
}

/** 'EXPECTATION' for expect.*, 'ASSERTION' for assert.* (kunit_assert_prologue). */
export type CheckKind = 'EXPECTATION' | 'ASSERTION';

/** The log lines of one failed check; `caseName` prefixes the first line as kunit_err does. */
export function failureLines(caseName: string, kind: CheckKind, detail: FailureDetail): string[] {
  const where = detail.location ? `${detail.location.file}:${detail.location.line}` : '<unknown>';
  const lines = [`# ${caseName}: ${kind} FAILED at ${where}`];
  for (const l of detail.message.split('\n')) lines.push(l);
  return lines;
}

/** Body of a binary check failure: `Expected a OP b, but` then the non-literal operands. */
export function binaryMessage(
  leftText: string,
  op: string,
  rightText: string,
  left: { text: string; value: unknown; shown: string },
  right: { text: string; value: unknown; shown: string },
): string {
  const lines = [`Expected ${leftText} ${op} ${rightText}, but`];
  if (!isLiteral(left.text, left.value)) lines.push(`    ${left.text} == ${left.shown}`);
  if (!isLiteral(right.text, right.value)) lines.push(`    ${right.text} == ${right.shown}`);
  return lines.join('\n');
}

/** Hex dump of a byte range, with mismatching bytes wrapped in `<>` (kunit_assert_hexdump). */
export function hexDump(bytes: Uint8Array, other: Uint8Array, size: number): string {
  const out: string[] = [];
  for (let i = 0; i < size; i++) {
    const b = (bytes[i] ?? 0).toString(16).padStart(2, '0');
    out.push(bytes[i] === other[i] ? ` ${b} ` : `<${b}>`);
    if (i % 16 === 15 && i + 1 < size) out.push('\n        ');
  }
  return out.join('');
}
