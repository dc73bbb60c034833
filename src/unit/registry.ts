/**
 * Suite registration: the counterpart of KUnit's `.kunit_test_suites` linker section. Importing a test file
 * runs its `defineSuite(...)` calls, which add suites to a `Registry`.
 *
 * Why there is a default registry at all: test files must be importable without ceremony
 * (`defineSuite({...})` at top level, like `kunit_test_suite(x)`), so `defineSuite` needs somewhere to put
 * the suite. That somewhere is the *active* registry, a per-realm slot (one per worker thread or process)
 * that the loader (loader.ts) points at a fresh `Registry` for the duration of one file's import and
 * restores afterwards. So no suite outlives its run, and two runs in one process never see each other's
 * suites. The slot is keyed with `Symbol.for` on globalThis because the test file may reach this module
 * through a different path than the runner does (`vmunit/unit` from dist/ vs. src/ under tsx), and both
 * copies must agree on which registry is active. Tests and embedders can avoid the slot entirely with
 * `new Registry()` and `registry.defineSuite(...)`.
 */

import { VmunitError } from '../util/errors.js';
import { callerLocation } from './location.js';
import type { Case, CaseEntry, Suite, SuiteDefinition } from './types.js';

const ACTIVE_SLOT = Symbol.for('vmunit.unit.activeRegistry');

type Slot = { [ACTIVE_SLOT]?: Registry };

/** An ordered collection of suites. */
export class Registry {
  readonly #suites: Suite[] = [];

  /** Validates and adds a suite; returns the stored suite. Throws CONFIG_INVALID naming file and line. */
  defineSuite(definition: SuiteDefinition, file?: string): Suite {
    const where = callerLocation();
    const position = where ? { file: where.file, line: where.line } : undefined;
    const fail = (message: string): never => {
      throw new VmunitError('CONFIG_INVALID', message, position === undefined ? {} : { position });
    };
    if (typeof definition?.name !== 'string' || !isValidName(definition.name))
      fail(`defineSuite: invalid suite name ${JSON.stringify(definition?.name)}`);
    if (this.#suites.some((s) => s.name === definition.name))
      fail(`defineSuite: duplicate suite name "${definition.name}"`);
    if (!Array.isArray(definition.cases)) fail(`suite "${definition.name}": cases must be an array`);
    const cases = definition.cases.map((entry, i) => normaliseCase(entry, i, definition.name, fail));
    const seen = new Set<string>();
    for (const c of cases) {
      if (seen.has(c.name)) fail(`suite "${definition.name}": duplicate case name "${c.name}"`);
      seen.add(c.name);
    }
    const suite: Suite = {
      name: definition.name,
      suiteInit: definition.suiteInit,
      suiteExit: definition.suiteExit,
      init: definition.init,
      exit: definition.exit,
      cases,
      attributes: { ...definition.attributes },
      file: file ?? where?.file,
    };
    this.#suites.push(suite);
    return suite;
  }

  /** The suites in registration order. */
  get suites(): readonly Suite[] {
    return this.#suites;
  }

  /** Removes every suite (a registry reused across runs must be cleared between them). */
  clear(): void {
    this.#suites.length = 0;
  }
}

/** KTAP names may not contain a newline or `#` (which would start a directive). */
function isValidName(name: string): boolean {
  return name.trim().length > 0 && !/[\r\n#]/.test(name);
}

function normaliseCase(entry: CaseEntry, i: number, suite: string, fail: (m: string) => never): Case {
  if (typeof entry === 'function') {
    if (!isValidName(entry.name))
      fail(`suite "${suite}": case ${i + 1} is an anonymous function; give it a name or use {name, run}`);
    return { name: entry.name, run: entry, params: undefined, attributes: {} };
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.run !== 'function')
    fail(`suite "${suite}": case ${i + 1} must be a function or {name, run}`);
  if (typeof entry.name !== 'string' || !isValidName(entry.name))
    fail(`suite "${suite}": case ${i + 1} has an invalid name ${JSON.stringify(entry.name)}`);
  return { name: entry.name, run: entry.run, params: entry.params, attributes: { ...entry.attributes } };
}

/** The registry `defineSuite` adds to in this realm; created on first use when no loader set one. */
export function activeRegistry(): Registry {
  const slot = globalThis as Slot;
  slot[ACTIVE_SLOT] ??= new Registry();
  return slot[ACTIVE_SLOT];
}

/** Points the active slot at `registry` (or empties it); returns the previous one so it can be restored. */
export function setActiveRegistry(registry: Registry | undefined): Registry | undefined {
  const slot = globalThis as Slot;
  const previous = slot[ACTIVE_SLOT];
  if (registry === undefined) delete slot[ACTIVE_SLOT];
  else slot[ACTIVE_SLOT] = registry;
  return previous;
}

/** Defines a suite in the active registry (see the file comment). */
export function defineSuite(definition: SuiteDefinition): Suite {
  return activeRegistry().defineSuite(definition);
}
