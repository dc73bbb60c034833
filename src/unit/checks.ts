/**
 * KUnit's checks in two families with one implementation: `t.expect.*` records a failure and lets the case
 * go on (KUNIT_EXPECT_*), `t.assert.*` records it and aborts the case (KUNIT_ASSERT_*), by throwing
 * `CaseAbort`, which the executor treats as "stop here" (KUnit's kthread exit in try-catch.c). Each check
 * takes an optional trailing message (the `_MSG` variants).
 */

import { isDeepStrictEqual } from 'node:util';
import type { FailureDetail, SourceLocation } from '../events/types.js';
import { binaryMessage, type CheckKind, formatValue, hexDump } from './format.js';
import { callerLocation } from './location.js';

/** Thrown by assert-family checks and `t.skip()` to end a case. Not an Error on purpose: it is control flow. */
export class CaseAbort {
  readonly reason: 'assert' | 'skip';
  constructor(reason: 'assert' | 'skip') {
    this.reason = reason;
  }
}

/** What a check needs from its test context. */
export interface CheckSink {
  /** Records one failed check (sets the case's status to FAILURE and logs KUnit's lines). */
  record(kind: CheckKind, detail: FailureDetail): void;
  /** Argument texts of the call at `location`, when the source can be read. */
  argumentsAt(location: SourceLocation): readonly string[] | undefined;
}

type Bytes = Uint8Array | ArrayBuffer | DataView;
/** A matcher for throws/rejects: an Error class, a RegExp tested on the message, or a predicate. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor signature is a valid matcher.
export type ErrorMatcher = (new (...args: any[]) => unknown) | RegExp | ((error: unknown) => boolean);

/** The expect family (record and continue). */
export interface ExpectChecks {
  true(condition: unknown, message?: string): void;
  false(condition: unknown, message?: string): void;
  eq(left: unknown, right: unknown, message?: string): void;
  ne(left: unknown, right: unknown, message?: string): void;
  lt(left: number | bigint | string, right: number | bigint | string, message?: string): void;
  le(left: number | bigint | string, right: number | bigint | string, message?: string): void;
  gt(left: number | bigint | string, right: number | bigint | string, message?: string): void;
  ge(left: number | bigint | string, right: number | bigint | string, message?: string): void;
  ptrEq(left: unknown, right: unknown, message?: string): void;
  ptrNe(left: unknown, right: unknown, message?: string): void;
  null(value: unknown, message?: string): void;
  notNull(value: unknown, message?: string): void;
  notErrOrNull(value: unknown, message?: string): void;
  streq(left: unknown, right: unknown, message?: string): void;
  strneq(left: unknown, right: unknown, message?: string): void;
  memeq(left: Bytes, right: Bytes, size?: number | string, message?: string): void;
  memneq(left: Bytes, right: Bytes, size?: number | string, message?: string): void;
  deepEq(left: unknown, right: unknown, message?: string): void;
  notDeepEq(left: unknown, right: unknown, message?: string): void;
  throws(fn: () => unknown, matcher?: ErrorMatcher | string, message?: string): void;
  rejects(
    subject: Promise<unknown> | (() => Promise<unknown>),
    matcher?: ErrorMatcher | string,
    message?: string,
  ): Promise<void>;
  /** KUNIT_FAIL: an unconditional failure. */
  fail(message: string): void;
}

/** The assert family (record and abort); narrowing signatures where a check proves a type. */
export interface AssertChecks extends Omit<ExpectChecks, 'true' | 'notNull' | 'notErrOrNull' | 'fail'> {
  true(condition: unknown, message?: string): asserts condition;
  notNull<T>(value: T, message?: string): asserts value is NonNullable<T>;
  notErrOrNull<T>(value: T, message?: string): asserts value is Exclude<NonNullable<T>, Error>;
  fail(message: string): never;
}

/** Builds one family bound to a sink. */
export function makeChecks(kind: 'EXPECTATION', sink: CheckSink): ExpectChecks;
export function makeChecks(kind: 'ASSERTION', sink: CheckSink): AssertChecks;
export function makeChecks(kind: CheckKind, sink: CheckSink): ExpectChecks | AssertChecks {
  const fail: Fail = (operator, build, message, at) => {
    const location = at === undefined ? callerLocation() : (at ?? undefined);
    const texts = (location && sink.argumentsAt(location)) || [];
    const body = build(texts);
    const full = message === undefined ? body.message : `${body.message}\n${message}`;
    sink.record(kind, { ...body, message: full, operator, ...(location ? { location } : {}) });
    if (kind === 'ASSERTION') throw new CaseAbort('assert');
  };
  return { ...unaryChecks(fail), ...comparisonChecks(fail), ...throwChecks(fail) } as AssertChecks;
}

/** Records a failure: `build` gets the operand texts; `at` is a location taken earlier (null: unknown). */
type Fail = (
  operator: string,
  build: (texts: readonly string[]) => Omit<FailureDetail, 'operator' | 'location'>,
  message: string | undefined,
  at?: SourceLocation | null,
) => void;

const isNull = (v: unknown) => v === null || v === undefined;

/** TRUE, FALSE, NULL, NOT_NULL, NOT_ERR_OR_NULL: one operand. */
function unaryChecks(fail: Fail) {
  const unary =
    (operator: string, pass: (v: unknown) => boolean, explain: (text: string, v: unknown) => string) =>
    (value: unknown, message?: string): void => {
      if (pass(value)) return;
      const build = (texts: readonly string[]) => {
        const text = texts[0] ?? formatValue(value);
        return { message: explain(text, value), leftText: text, leftValue: formatValue(value) };
      };
      fail(operator, build, message);
    };
  return {
    true: unary('TRUE', Boolean, (t) => `Expected ${t} to be true, but is false`),
    false: unary(
      'FALSE',
      (v) => !v,
      (t) => `Expected ${t} to be false, but is true`,
    ),
    null: unary('NULL', isNull, (t, v) => `Expected ${t} == null, but\n    ${t} == ${formatValue(v)}`),
    notNull: unary(
      'NOT_NULL',
      (v) => !isNull(v),
      (t, v) => `Expected ${t} != null, but\n    ${t} == ${formatValue(v)}`,
    ),
    notErrOrNull: unary(
      'NOT_ERR_OR_NULL',
      (v) => !isNull(v) && !(v instanceof Error),
      (t, v) =>
        isNull(v)
          ? `Expected ${t} is not null, but is`
          : `Expected ${t} is not error, but is: ${formatValue(v)}`,
    ),
  };
}

/** The two-operand checks: integer-like comparisons, identity, strings, bytes, deep equality. */
function comparisonChecks(fail: Fail) {
  const binary =
    (operator: string, op: string, pass: (a: unknown, b: unknown) => boolean, show = formatValue) =>
    (left: unknown, right: unknown, message?: string): void => {
      if (pass(left, right)) return;
      fail(operator, (texts) => binaryDetail(texts, op, left, right, show), message);
    };
  const strings = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : formatValue(v));
  const bothStrings = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string';
  return {
    eq: binary('EQ', '==', (a, b) => a === b),
    ne: binary('NE', '!=', (a, b) => a !== b),
    lt: binary('LT', '<', (a, b) => (a as number) < (b as number)),
    le: binary('LE', '<=', (a, b) => (a as number) <= (b as number)),
    gt: binary('GT', '>', (a, b) => (a as number) > (b as number)),
    ge: binary('GE', '>=', (a, b) => (a as number) >= (b as number)),
    ptrEq: binary('PTR_EQ', '==', (a, b) => Object.is(a, b)),
    ptrNe: binary('PTR_NE', '!=', (a, b) => !Object.is(a, b)),
    streq: binary('STREQ', '==', (a, b) => bothStrings(a, b) && a === b, strings),
    strneq: binary('STRNEQ', '!=', (a, b) => bothStrings(a, b) && a !== b, strings),
    memeq: (a: Bytes, b: Bytes, size?: number | string, message?: string) =>
      memCheck('MEMEQ', true, a, b, size, message, fail),
    memneq: (a: Bytes, b: Bytes, size?: number | string, message?: string) =>
      memCheck('MEMNEQ', false, a, b, size, message, fail),
    deepEq: binary('DEEP_EQ', 'deep-equals', (a, b) => isDeepStrictEqual(a, b)),
    notDeepEq: binary('NOT_DEEP_EQ', 'not-deep-equals', (a, b) => !isDeepStrictEqual(a, b)),
  };
}

type Outcome = { threw: boolean; error?: unknown };

/** throws, rejects and the unconditional fail. */
function throwChecks(fail: Fail) {
  return {
    throws: (fn: () => unknown, matcher?: ErrorMatcher | string, message?: string) => {
      const [m, msg] = splitMatcher(matcher, message);
      let outcome: Outcome;
      try {
        fn();
        outcome = { threw: false };
      } catch (error) {
        if (error instanceof CaseAbort) throw error;
        outcome = { threw: true, error };
      }
      checkThrown('THROWS', 'throw', 'function', outcome, m, msg, fail);
    },
    rejects: async (
      subject: Promise<unknown> | (() => Promise<unknown>),
      matcher?: ErrorMatcher | string,
      message?: string,
    ) => {
      const [m, msg] = splitMatcher(matcher, message);
      // The location must be taken before the await, while the caller's frame is still on the stack.
      const location = callerLocation() ?? null;
      let outcome: Outcome;
      try {
        await (typeof subject === 'function' ? subject() : subject);
        outcome = { threw: false };
      } catch (error) {
        outcome = { threw: true, error };
      }
      checkThrown('REJECTS', 'reject', 'promise', outcome, m, msg, fail, location);
    },
    fail: (message: string) => {
      fail('FAIL', () => ({ message }), undefined);
    },
  };
}

function binaryDetail(
  texts: readonly string[],
  op: string,
  left: unknown,
  right: unknown,
  show: (v: unknown) => string,
) {
  const l = { text: texts[0] ?? show(left), value: left, shown: show(left) };
  const r = { text: texts[1] ?? show(right), value: right, shown: show(right) };
  return {
    message: binaryMessage(l.text, op, r.text, l, r),
    leftText: l.text,
    rightText: r.text,
    leftValue: l.shown,
    rightValue: r.shown,
  };
}

function toBytes(b: Bytes): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b instanceof DataView) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return new Uint8Array(b);
}

function memCheck(
  operator: string,
  equal: boolean,
  a: Bytes,
  b: Bytes,
  size: number | string | undefined,
  message: string | undefined,
  fail: Fail,
): void {
  const msg = typeof size === 'string' ? size : message;
  const x = toBytes(a);
  const y = toBytes(b);
  const n = typeof size === 'number' ? size : Math.max(x.length, y.length);
  let same = x.length >= n && y.length >= n;
  for (let i = 0; same && i < n; i++) if (x[i] !== y[i]) same = false;
  if (same === equal) return;
  fail(
    operator,
    (texts) => {
      const lt = texts[0] ?? 'left';
      const rt = texts[1] ?? 'right';
      const lines = [
        `Expected ${lt} ${equal ? '==' : '!='} ${rt}, but`,
        `    ${lt} ==`,
        `        ${hexDump(x, y, n)}`,
        `    ${rt} ==`,
        `        ${hexDump(y, x, n)}`,
      ];
      return {
        message: lines.join('\n'),
        leftText: lt,
        rightText: rt,
        leftValue: hexDump(x, y, n),
        rightValue: hexDump(y, x, n),
      };
    },
    msg,
  );
}

function splitMatcher(
  matcher: ErrorMatcher | string | undefined,
  message: string | undefined,
): [ErrorMatcher | undefined, string | undefined] {
  return typeof matcher === 'string' ? [undefined, matcher] : [matcher, message];
}

function describeMatcher(m: ErrorMatcher): string {
  if (m instanceof RegExp) return String(m);
  return m.name ? m.name : 'a matching error';
}

function matches(m: ErrorMatcher, error: unknown): boolean {
  if (m instanceof RegExp) return m.test(error instanceof Error ? error.message : String(error));
  if (m === Error || m.prototype instanceof Error) return error instanceof (m as new () => unknown);
  return (m as (e: unknown) => boolean)(error);
}

/** Why a throw/reject outcome fails the check; undefined when it passes. */
function thrownProblem(
  outcome: { threw: boolean; error?: unknown },
  m: ErrorMatcher | undefined,
): string | undefined {
  if (!outcome.threw) return 'it completed normally';
  if (m && !matches(m, outcome.error)) return `got ${formatValue(outcome.error)}`;
  return undefined;
}

function checkThrown(
  operator: string,
  verb: string,
  fallback: string,
  outcome: Outcome,
  m: ErrorMatcher | undefined,
  message: string | undefined,
  fail: Fail,
  at?: SourceLocation | null,
): void {
  const problem = thrownProblem(outcome, m);
  if (problem === undefined) return;
  const build = (texts: readonly string[]) => {
    const text = texts[0] ?? fallback;
    const matcher = m ? ` ${verb === 'reject' ? 'with ' : ''}${describeMatcher(m)}` : '';
    return { message: `Expected ${text} to ${verb}${matcher}, but ${problem}`, leftText: text };
  };
  fail(operator, build, message, at);
}
