/**
 * Test helper (not a suite): what a guest-SDK example's header comment says it reports
 * (`EXPECT-STATUS: n`, `EXPECT: <KTAP result line>`), shared by the tests that boot the examples.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDK = fileURLToPath(new URL('../../guest-sdk/', import.meta.url));

export interface Expectation {
  readonly status: number;
  readonly results: readonly string[];
}

export function readExpectation(source: string, file: string): Expectation {
  let status: number | undefined;
  const results: string[] = [];
  for (const line of source.split('\n')) {
    const m = /^\s*\*\s*EXPECT(-STATUS)?: (.*)$/.exec(line);
    if (m === null) continue;
    if (m[1] === undefined) results.push(m[2] ?? '');
    else status = Number(m[2]);
  }
  assert.ok(status !== undefined, `${file}: no EXPECT-STATUS line in the header comment`);
  return { status, results };
}

/** The example a cfg entry boots: `file = NAME.flat` is built from NAME.c (several entries may share one). */
export function sourceName(kernel: string): string {
  return kernel.replace(/\.flat$/, '');
}

/** The expectation of the example behind a cfg entry's `file`. */
export function expectationOf(kernel: string): Expectation {
  const file = `${sourceName(kernel)}.c`;
  return readExpectation(readFileSync(join(SDK, 'examples', file), 'utf8'), file);
}

/** Groups whose guests need their harness's QMP conversation (migration, the panic rule). */
export const HARNESS_GROUPS: ReadonlySet<string> = new Set(['migration', 'panic']);
