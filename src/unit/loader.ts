/**
 * Imports test files and collects the suites they define. Each import runs with a fresh Registry in the
 * active slot (registry.ts), so suites are attributed to their file and never leak into another run.
 */

import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VmunitError } from '../util/errors.js';
import { Registry, setActiveRegistry } from './registry.js';
import type { Suite, SuiteInfo } from './types.js';

const TSX_SLOT = Symbol.for('vmunit.unit.tsxRegistered');
const LOAD_LOCK = Symbol.for('vmunit.unit.loadLock');

/** True for files that need the TypeScript loader. */
export function needsTypeScript(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file);
}

/** True when this process was started with tsx's loader (workers then inherit it through execArgv). */
export function hasTypeScriptLoader(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((a) => /(^|[\\/@])tsx([\\/]|$)/.test(a) || a === 'tsx');
}

/**
 * Registers tsx's ESM hooks in this thread when needed. Hooks are process-wide by nature, so the fact
 * that they are installed is kept on globalThis (a property of the process, not of a run).
 */
export async function ensureTypeScript(): Promise<void> {
  const slot = globalThis as { [TSX_SLOT]?: boolean };
  if (slot[TSX_SLOT] || hasTypeScriptLoader()) return;
  const api = (await import('tsx/esm/api')) as { register: () => unknown };
  api.register();
  slot[TSX_SLOT] = true;
}

/**
 * Imports `file` and returns the suites it defined. `fresh` adds a query to the module URL so that a
 * second load in the same realm evaluates the file again (ESM caches modules by URL).
 */
export async function loadSuites(file: string, fresh?: string): Promise<Suite[]> {
  // The active slot is per realm, so two loads in flight at once (two runs in one process) would mix
  // their suites: loads in a realm are serialised through a promise chain kept beside the slot.
  const slot = globalThis as { [LOAD_LOCK]?: Promise<unknown> };
  const previous = slot[LOAD_LOCK] ?? Promise.resolve();
  const mine = previous.then(
    () => loadNow(file, fresh),
    () => loadNow(file, fresh),
  );
  slot[LOAD_LOCK] = mine.catch(() => undefined);
  return mine;
}

async function loadNow(file: string, fresh: string | undefined): Promise<Suite[]> {
  if (needsTypeScript(file)) await ensureTypeScript();
  const registry = new Registry();
  const previous = setActiveRegistry(registry);
  const url = pathToFileURL(file);
  if (fresh !== undefined) url.search = `vmunit=${encodeURIComponent(fresh)}`;
  try {
    await import(url.href);
  } catch (error) {
    if (error instanceof VmunitError) throw error;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new VmunitError('INPUT_INVALID', `cannot load test file: ${text}`, {
      cause: error,
      position: { file },
    });
  } finally {
    setActiveRegistry(previous);
  }
  return registry.suites.map((s) => ({ ...s, file }));
}

/** The module attribute a suite has when it sets none (the analogue of KBUILD_MODNAME). */
export function defaultModule(file: string): string {
  return basename(file).replace(/(\.kunit)?\.[cm]?[jt]sx?$/, '');
}

/** Serialisable descriptions of a file's suites. */
export function describeSuites(file: string, suites: readonly Suite[]): SuiteInfo[] {
  return suites.map((s, indexInFile) => ({
    name: s.name,
    file,
    indexInFile,
    attributes: { module: defaultModule(file), ...s.attributes },
    cases: s.cases.map((c) => ({
      name: c.name,
      attributes: { ...c.attributes },
      parameterised: c.params !== undefined,
    })),
  }));
}
