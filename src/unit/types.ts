/**
 * The definition types of vmunit's unit library: KUnit's `struct kunit_suite` and `struct kunit_case` as
 * plain TypeScript objects. Everything here is data plus user callbacks; running them is executor.ts's job.
 */

import type { TestContext } from './context.js';

/** KUnit's `enum kunit_speed` names, slowest first (the order the attribute filter compares in). */
export const SPEEDS = ['very_slow', 'slow', 'normal'] as const;
export type Speed = (typeof SPEEDS)[number];

/** KUnit test attributes (lib/kunit/attributes.c): `speed` and `module`. */
export interface Attributes {
  /** Unset means "normal" when filtering, and nothing is printed (as KUnit). */
  readonly speed?: Speed;
  /**
   * KUnit's module name. Defaults to the test file's base name without `.kunit.ts`/`.kunit.js`, the
   * closest TypeScript analogue of KBUILD_MODNAME.
   */
  readonly module?: string;
}

/** Suite-level context handed to `suiteInit`/`suiteExit` (KUnit passes `struct kunit_suite *`). */
export interface SuiteContext {
  readonly name: string;
  /** Data shared with every case of this suite (read it as `t.suitePriv`). */
  priv: unknown;
  /** Appends a diagnostic line to the suite's log (`# <suite>: <message>`). */
  log(...parts: unknown[]): void;
}

/** A case body: KUnit's `run_case`. A thrown assertion ends the case; the returned promise is awaited. */
export type CaseFn<P = unknown> = (t: TestContext<P>) => void | Promise<void>;

/** Hook run around each case (`init`/`exit`), with the case's context. */
export type CaseHook = (t: TestContext) => void | Promise<void>;

/** Hook run once per suite (`suite_init`/`suite_exit`). */
export type SuiteHook = (s: SuiteContext) => void | Promise<void>;

/**
 * Parameters of a case: either an array (KUNIT_ARRAY_PARAM) or a generator `(prev) => next` that returns
 * `undefined` at the end (KUnit's `generate_params`, where NULL ends the sequence). `describe` names each
 * parameter (KUnit's `get_desc`); without it a parameter is named `param-<index>` as KUnit does.
 */
export type CaseParams<P> =
  | { readonly values: readonly P[]; readonly describe?: (value: P, index: number) => string }
  | {
      readonly generate: (prev: P | undefined, index: number) => P | undefined;
      readonly describe?: (value: P, index: number) => string;
    };

/** A case written out in full. */
export interface CaseDefinition<P = unknown> {
  readonly name: string;
  readonly run: CaseFn<P>;
  readonly params?: CaseParams<P>;
  readonly attributes?: Attributes;
}

/** A case entry in a suite: a named function, or a full definition. */
// biome-ignore lint/suspicious/noExplicitAny: each case picks its own parameter type.
export type CaseEntry = CaseFn<any> | CaseDefinition<any>;

/** What `defineSuite` accepts: KUnit's `struct kunit_suite`. */
export interface SuiteDefinition {
  readonly name: string;
  readonly suiteInit?: SuiteHook;
  readonly suiteExit?: SuiteHook;
  readonly init?: CaseHook;
  readonly exit?: CaseHook;
  readonly cases: readonly CaseEntry[];
  readonly attributes?: Attributes;
}

/** A validated case, as stored in a registry. */
export interface Case {
  readonly name: string;
  readonly run: CaseFn<unknown>;
  readonly params: CaseParams<unknown> | undefined;
  readonly attributes: Attributes;
}

/** A validated suite, as stored in a registry. `file` is the module that defined it, when known. */
export interface Suite {
  readonly name: string;
  readonly suiteInit: SuiteHook | undefined;
  readonly suiteExit: SuiteHook | undefined;
  readonly init: CaseHook | undefined;
  readonly exit: CaseHook | undefined;
  readonly cases: readonly Case[];
  readonly attributes: Attributes;
  readonly file: string | undefined;
}

/** The serialisable description of a suite (what listing returns and what filters look at). */
export interface SuiteInfo {
  readonly name: string;
  readonly file: string;
  /** Position of the suite among the suites its file defines (how a worker finds it again). */
  readonly indexInFile: number;
  readonly attributes: Attributes;
  readonly cases: readonly CaseInfo[];
}

/** The serialisable description of a case. */
export interface CaseInfo {
  readonly name: string;
  readonly attributes: Attributes;
  readonly parameterised: boolean;
}
