/**
 * What a realm (the CLI's thread, a worker, a child process) needs before it imports a user's test file:
 *
 * - tsx's ESM *and* CommonJS hooks. In a CommonJS package (a default `npm init -y` project) tsx hands a
 *   `.ts` file to Node's CommonJS loader; without tsx's CommonJS hook Node sees ESM syntax there, loads the
 *   file again as ESM through require(esm), and fails with ERR_REQUIRE_CYCLE_MODULE.
 * - a fallback for `vmunit` and `vmunit/…`: resolved from the test file first (the project's own
 *   dependency wins), else from this vmunit's install, so a project that does not depend on vmunit (or a
 *   folder with no package.json) can still `import 'vmunit/unit'`. ESM goes through a resolve hook,
 *   CommonJS (`.cjs`, `.cts`, `.ts` in a CommonJS package) through Module._resolveFilename.
 *
 * Hooks are process- or realm-wide by nature, so the fact that they are installed is kept on globalThis.
 */

import { readFileSync } from 'node:fs';
import { createRequire, Module, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { VmunitError } from '../util/errors.js';
import { packageFile } from '../util/package-files.js';

const TSX_SLOT = Symbol.for('vmunit.unit.tsxRegistered');
const FALLBACK_SLOT = Symbol.for('vmunit.unit.selfFallback');

/** This vmunit's package.json: a parent from which `vmunit/…` resolves by self-reference. */
const SELF_PACKAGE = pathToFileURL(packageFile('package.json')).href;

/** True for `vmunit` and `vmunit/<subpath>`. */
export function isVmunitSpecifier(specifier: string): boolean {
  return specifier === 'vmunit' || specifier.startsWith('vmunit/');
}

/** True for files that need the TypeScript loader. */
export function needsTypeScript(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file);
}

/**
 * How Node treats `file`: by its extension (.cjs/.cts, .mjs/.mts), else by the nearest package.json's
 * "type" (CommonJS when there is none, or no package.json at all).
 */
export function moduleKind(file: string): 'commonjs' | 'module' {
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  if (/\.m[jt]s$/.test(file)) return 'module';
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const text = readOptional(join(dir, 'package.json'));
    if (text !== undefined) return packageType(text) === 'module' ? 'module' : 'commonjs';
    if (dirname(dir) === dir) return 'commonjs';
  }
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function packageType(text: string): unknown {
  try {
    return (JSON.parse(text) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}

/** True when this process was started with tsx's loader (workers then inherit it through execArgv). */
export function hasTypeScriptLoader(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((a) => /(^|[\\/@])tsx([\\/]|$)/.test(a) || a === 'tsx');
}

/**
 * The ESM resolve hook, as module source for `module.register` (a data: URL, so it needs no file next to
 * the compiled output and works the same from src/ under tsx).
 */
export function fallbackHookSource(selfPackage: string): string {
  return `const SELF = ${JSON.stringify(selfPackage)};
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const ours = specifier === 'vmunit' || specifier.startsWith('vmunit/');
    if (!ours || error?.code !== 'ERR_MODULE_NOT_FOUND' || context.parentURL === SELF) throw error;
    return next(specifier, { ...context, parentURL: SELF });
  }
}
`;
}

type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;

function installFallback(): void {
  const slot = globalThis as { [FALLBACK_SLOT]?: boolean };
  if (slot[FALLBACK_SLOT]) return;
  slot[FALLBACK_SLOT] = true;
  register(`data:text/javascript,${encodeURIComponent(fallbackHookSource(SELF_PACKAGE))}`);
  const cjs = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = cjs._resolveFilename;
  const self = createRequire(SELF_PACKAGE);
  cjs._resolveFilename = function resolveWithFallback(request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (error) {
      if (!isVmunitSpecifier(request) || (error as { code?: string }).code !== 'MODULE_NOT_FOUND')
        throw error;
      return self.resolve(request);
    }
  };
}

async function registerTypeScript(): Promise<void> {
  const slot = globalThis as { [TSX_SLOT]?: boolean };
  if (slot[TSX_SLOT]) return;
  let esm: { register: () => unknown };
  let cjs: { register: () => unknown };
  try {
    esm = (await import('tsx/esm/api')) as typeof esm;
    cjs = (await import('tsx/cjs/api')) as typeof cjs;
  } catch (cause) {
    throw new VmunitError('SPAWN_FAILED', 'TypeScript test files need the tsx package (npm install tsx)', {
      cause,
    });
  }
  // The main thread of a process started with `--import tsx` has both hooks already (a worker does not:
  // Node 20 ignores `--import` in a worker's execArgv).
  if (!(isMainThread && hasTypeScriptLoader())) {
    esm.register();
    cjs.register();
  }
  slot[TSX_SLOT] = true;
}

/** Makes this realm ready to import `file`. Idempotent. */
export async function prepareTestImport(file: string): Promise<void> {
  installFallback();
  if (needsTypeScript(file)) await registerTypeScript();
}
