/**
 * Messages between the runner (parent) and a host that runs suites (a worker thread, a child process, or
 * the same realm). Everything here is structured-clone safe. The parent owns the root and suite nodes;
 * the host emits case and parameter events only, with ids derived from the suite id it was given, so a
 * restarted host continues the same tree.
 */

import type { RunEvent } from '../events/types.js';
import type { SuiteInfo } from './types.js';

/** Default per-case timeout: KUnit's try-catch.c uses 300 s for every case; we keep it. */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** One case to run, in plan order. `number` is its KTAP number within the suite. */
export interface CaseSelection {
  readonly index: number;
  readonly number: number;
  /** Filtered out with filter_action=skip: reported as skipped without running (KUnit's KUNIT_SKIPPED). */
  readonly skip: boolean;
}

/** Ask a host to list the suites that `files` define. */
export interface ListRequest {
  readonly job: 'list';
  readonly files: readonly string[];
}

/** Ask a host to run (part of) one suite. */
export interface RunRequest {
  readonly job: 'run';
  readonly file: string;
  readonly suiteIndex: number;
  readonly suiteName: string;
  readonly suiteId: string;
  readonly cases: readonly CaseSelection[];
  readonly timeoutMs: number;
  readonly rootDir: string;
}

export type HostRequest = ListRequest | RunRequest;

/** What the host is doing, so the parent's watchdog knows whom to blame when the host stops answering. */
export interface Activity {
  /** Index into RunRequest.cases, or null for suite_init/suite_exit. */
  readonly position: number | null;
  readonly phase: 'suite' | 'run' | 'cleanup';
}

export type HostMessage =
  | { readonly kind: 'listed'; readonly suites: readonly SuiteInfo[] }
  | { readonly kind: 'load-failed'; readonly file: string; readonly message: string }
  | { readonly kind: 'ready' }
  | { readonly kind: 'init-failed'; readonly lines: readonly string[] }
  /** Case events; `activity` arms the parent's watchdog (null disarms it). */
  | { readonly kind: 'events'; readonly events: readonly RunEvent[]; readonly activity: Activity | null }
  | { readonly kind: 'suite-log'; readonly line: string }
  | { readonly kind: 'done'; readonly suiteFailed: boolean }
  /** An exception escaped every handler (a throw in a timer): the host is about to exit. */
  | { readonly kind: 'fatal'; readonly message: string };

/** Case id within a suite: stable across host restarts. */
export function caseId(suiteId: string, number: number): string {
  return `${suiteId}.${number}`;
}
