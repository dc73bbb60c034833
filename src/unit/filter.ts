/**
 * Test selection with KUnit's rules (lib/kunit/executor.c and attributes.c), as pure functions:
 * - the glob `suite.case` (`kunit.filter_glob`): text before the first `.` matches suite names, the rest
 *   case names; `*`, `?` and `[...]` as in lib/glob.c; suites left with no case are dropped;
 * - attribute filters (`kunit.filter`), comma-separated, all applied: `speed>slow`, `module=foo`,
 *   `module!=bar`. A case's own value decides if set, else its suite's, else the attribute's default
 *   (speed: normal; module: ''). With `filter_action=skip` a filtered case stays, reported as skipped.
 */

import { VmunitError } from '../util/errors.js';
import type { CaseSelection } from './protocol.js';
import { SPEEDS, type SuiteInfo } from './types.js';

/** One suite and the cases to report for it, in order. */
export interface SuiteSelection {
  readonly suite: SuiteInfo;
  readonly cases: readonly CaseSelection[];
}

/** Options of `selectTests`, named as kunit.py's flags. */
export interface SelectOptions {
  readonly filterGlob?: string;
  readonly filter?: string;
  readonly filterAction?: 'skip';
}

/** lib/glob.c semantics as a RegExp: `*` any run, `?` one character, `[a-z]`/`[!a-z]` classes. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        out += `[${negate ? '^' : ''}${body.replace(/[\\^\]]/g, '\\$&')}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

type Op = '<=' | '>=' | '!=' | '<' | '>' | '=';

/** A parsed attribute filter. */
export interface AttributeFilter {
  readonly attribute: 'speed' | 'module';
  readonly op: Op;
  readonly value: string;
}

const OP_CHARS = '<>!=';

function usage(filter: string, message: string): never {
  throw new VmunitError('USAGE', `invalid --filter "${filter}": ${message}`);
}

/** Parses `speed>slow, module=foo` (kunit_next_attr_filter); KUnit's error texts on bad input. */
export function parseAttributeFilters(text: string): AttributeFilter[] {
  const filters: AttributeFilter[] = [];
  for (const raw of text.split(',')) {
    const part = raw.replace(/^ +/, '');
    if (part === '') continue;
    const opIndex = [...part].findIndex((c) => OP_CHARS.includes(c));
    if (opIndex <= 0) usage(text, `filter operation not found: ${part}`);
    const name = part.slice(0, opIndex);
    if (name !== 'speed' && name !== 'module') usage(text, `attribute not found: ${part}`);
    const input = part.slice(opIndex);
    const opMatch = /^(<=|>=|!=|<|>|=)/.exec(input);
    if (!opMatch?.[1]) usage(text, `invalid filter operation: ${input}`);
    const op = opMatch[1] as Op;
    let value = input;
    while (value !== '' && OP_CHARS.includes(value[0] ?? '')) value = value.slice(1);
    if (name === 'speed') {
      if (value === '') usage(text, `filter value not found: ${input}`);
      if (value !== 'unset' && !(SPEEDS as readonly string[]).includes(value))
        usage(text, `invalid filter input: ${input}`);
    } else if (op !== '=' && op !== '!=') usage(text, `invalid filter input: ${input}`);
    else value = input.slice(op.length);
    filters.push({ attribute: name, op, value });
  }
  return filters;
}

/** KUnit's speed enum order: unset < very_slow < slow < normal. */
function speedRank(value: string): number {
  return value === 'unset' ? 0 : SPEEDS.indexOf(value as (typeof SPEEDS)[number]) + 1;
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '=':
      return a === b;
  }
}

/** Does the value chosen by KUnit's precedence (case, then suite, then default) pass the filter? */
function passes(
  filter: AttributeFilter,
  caseValue: string | undefined,
  suiteValue: string | undefined,
): boolean {
  const fallback = filter.attribute === 'speed' ? 'normal' : '';
  const value = caseValue ?? suiteValue ?? fallback;
  if (filter.attribute === 'speed') return compare(speedRank(value), filter.op, speedRank(filter.value));
  return filter.op === '=' ? value === filter.value : value !== filter.value;
}

/** Applies the glob and the attribute filters to listed suites. */
export function selectTests(suites: readonly SuiteInfo[], options: SelectOptions = {}): SuiteSelection[] {
  const filters = options.filter ? parseAttributeFilters(options.filter) : [];
  const [suiteGlob, caseGlob] = splitGlob(options.filterGlob);
  const out: SuiteSelection[] = [];
  for (const suite of suites) {
    if (suiteGlob && !suiteGlob.test(suite.name)) continue;
    const cases: CaseSelection[] = [];
    suite.cases.forEach((c, index) => {
      if (caseGlob && !caseGlob.test(c.name)) return;
      let skip = false;
      for (const f of filters) {
        const caseValue = c.attributes[f.attribute];
        const suiteValue = suite.attributes[f.attribute];
        if (passes(f, caseValue, suiteValue)) continue;
        if (options.filterAction !== 'skip') return;
        skip = true;
      }
      cases.push({ index, number: cases.length + 1, skip });
    });
    // KUnit drops a suite that filtering emptied; an empty suite nobody filtered still runs (plan 1..0).
    if (cases.length > 0 || (!options.filterGlob && filters.length === 0)) out.push({ suite, cases });
  }
  return out;
}

function splitGlob(glob: string | undefined): [RegExp | undefined, RegExp | undefined] {
  if (!glob) return [undefined, undefined];
  const dot = glob.indexOf('.');
  if (dot < 0) return [globToRegExp(glob), undefined];
  return [globToRegExp(glob.slice(0, dot)), globToRegExp(glob.slice(dot + 1))];
}
