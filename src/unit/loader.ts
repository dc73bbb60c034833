/**
 * Imports test files and collects the suites they define. Each import runs with a fresh Registry in the
 * active slot (registry.ts), so suites are attributed to their file and never leak into another run.
 */

import { createRequire as requireOf } from 'node:module';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VmunitError } from '../util/errors.js';
import { moduleKind, prepareTestImport } from './module-setup.js';
import { Registry, setActiveRegistry } from './registry.js';
import type { Suite, SuiteInfo } from './types.js';

const LOAD_LOCK = Symbol.for('vmunit.unit.loadLock');

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
  await prepareTestImport(file);
  const registry = new Registry();
  const previous = setActiveRegistry(registry);
  try {
    await importTestFile(file, fresh);
  } catch (error) {
    if (error instanceof VmunitError) throw error;
    throw new VmunitError('INPUT_INVALID', `cannot load test file: ${loadErrorText(error, file)}`, {
      cause: error,
      position: { file },
    });
  } finally {
    setActiveRegistry(previous);
  }
  return registry.suites.map((s) => ({ ...s, file }));
}

/**
 * CommonJS files go through require(): Node 20 cannot require() an ES module (`vmunit/unit`) from CommonJS
 * that the ESM loader evaluates on a hook's behalf (the CommonJS `.cts` in a worker failed that way).
 */
async function importTestFile(file: string, fresh: string | undefined): Promise<void> {
  if (moduleKind(file) === 'commonjs') {
    // CommonJS modules are cached by path: forget this one so that a fresh load evaluates it again.
    if (fresh !== undefined) delete requireOf(file).cache[file];
    requireOf(file)(file);
    return;
  }
  const url = pathToFileURL(file);
  if (fresh !== undefined) url.search = `vmunit=${encodeURIComponent(fresh)}`;
  await import(url.href);
}

/**
 * One line for a test file that cannot load: the error's own first line (esbuild's "Transform failed"
 * header is replaced by the line naming the fault) and where in the file it was thrown. Node's internal
 * frames say nothing to a user and are left out; the full error stays the VmunitError's cause.
 */
export function loadErrorText(error: unknown, file: string): string {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const head = lines[0] ?? '';
  const text = /^Transform failed/.test(head) && lines[1] !== undefined ? lines[1] : head;
  const kind = error.name === 'Error' || text.startsWith(error.name) ? '' : `${error.name}: `;
  const code = (error as { code?: unknown }).code;
  const tag = typeof code === 'string' && !text.includes(code) ? ` [${code}]` : '';
  const at = frameIn(error.stack ?? '', file);
  return `${kind}${text}${tag}${at === undefined || text.includes(at) ? '' : ` (at ${at})`}`;
}

function frameIn(stack: string, file: string): string | undefined {
  const url = pathToFileURL(file).href;
  for (const line of stack.split('\n')) {
    for (const prefix of [url, file]) {
      const i = line.indexOf(`${prefix}:`);
      const pos = i < 0 ? undefined : /^:(\d+):(\d+)/.exec(line.slice(i + prefix.length));
      if (pos) return `${basename(file)}:${pos[1]}:${pos[2]}`;
    }
  }
  return undefined;
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
