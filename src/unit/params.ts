/**
 * Parameterised cases: the values of a case's `params`, produced lazily like KUnit's `generate_params`
 * loop in kunit_run_tests (first call with no previous value, stop at undefined), each with its
 * description (`get_desc`, or KUnit's default `param-<index>`).
 */

import type { CaseParams } from './types.js';

/** One parameter of a run. */
export interface Param {
  readonly value: unknown;
  readonly index: number;
  readonly description: string;
}

/** A generator that never ends would hang the suite; this many parameters is taken as a bug. */
export const MAX_PARAMS = 100_000;

/** Yields the parameters in order. Throws when the generator runs past MAX_PARAMS. */
export function* paramSequence(params: CaseParams<unknown>): Generator<Param> {
  const describe = params.describe;
  const name = (value: unknown, index: number) =>
    sanitise(describe ? describe(value, index) : `param-${index}`);
  if ('values' in params) {
    for (let index = 0; index < params.values.length; index++) {
      const value = params.values[index];
      yield { value, index, description: name(value, index) };
    }
    return;
  }
  let prev: unknown;
  for (let index = 0; ; index++) {
    if (index >= MAX_PARAMS) throw new Error(`parameter generator produced more than ${MAX_PARAMS} values`);
    const value = params.generate(prev, index);
    if (value === undefined) return;
    yield { value, index, description: name(value, index) };
    prev = value;
  }
}

/** A description goes on a KTAP result line: no line breaks, no `#` (it would start a directive). */
function sanitise(text: string): string {
  const clean = String(text)
    .replace(/[\r\n]+/g, ' ')
    .replace(/#/g, '_')
    .trim();
  return clean === '' ? 'param' : clean;
}
