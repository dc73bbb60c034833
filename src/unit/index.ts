/**
 * `vmunit/unit`: KUnit's testing model for TypeScript (suites, cases, checks, isolated hosts).
 * Must not import: guest, kernel, cli.
 *
 * Define suites with `defineSuite`, write cases as functions of a context `t` (checks in `t.expect`/
 * `t.assert`, `t.log`, `t.skip`, `t.addAction`), and run them with `vmunit test` or `runTests`.
 */

export type { AssertChecks, ErrorMatcher, ExpectChecks } from './checks.js';
export type { ActionHandle, TestContext } from './context.js';
export {
  type AttributeFilter,
  globToRegExp,
  parseAttributeFilters,
  type SelectOptions,
  type SuiteSelection,
  selectTests,
} from './filter.js';
export type { HostBackend } from './isolate.js';
export { DEFAULT_TIMEOUT_MS } from './protocol.js';
export { activeRegistry, defineSuite, Registry, setActiveRegistry } from './registry.js';
export { listSuites, ROOT_ID, type RunOptions, type RunSummary, runTests } from './runner.js';
export type { Isolation } from './supervisor.js';
export type {
  Attributes,
  CaseDefinition,
  CaseEntry,
  CaseFn,
  CaseHook,
  CaseInfo,
  CaseParams,
  Speed,
  SuiteContext,
  SuiteDefinition,
  SuiteHook,
  SuiteInfo,
} from './types.js';
