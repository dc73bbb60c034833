/**
 * Node's on-disk compile cache for the CLI's own code (`module.enableCompileCache`, Node ≥ 22.1): V8 keeps
 * the compiled bundle between runs instead of compiling it again at every start. bin/vmunit.js calls this
 * before it imports the CLI, and from a chunk of its own, so that the whole CLI goes through the cache.
 * Node 20 has no such function, and then nothing happens. NODE_DISABLE_COMPILE_CACHE=1 turns it off
 * (Node's own switch; Node then ignores the call).
 */

import * as nodeModule from 'node:module';
import { join } from 'node:path';

/** The part of node:module this needs; absent before Node 22.1. */
export interface CompileCacheApi {
  readonly enableCompileCache?: (directory?: string) => unknown;
}

/**
 * Where the cache goes: beside the QEMU probe answers when VMUNIT_CACHE_DIR names a folder, else Node's
 * default (NODE_COMPILE_CACHE, or node-compile-cache in the temporary folder). Pure.
 */
export function compileCacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.VMUNIT_CACHE_DIR ? join(env.VMUNIT_CACHE_DIR, 'node-compile-cache') : undefined;
}

/** Turns the cache on where Node has it; true when it asked Node to. Never throws: a cache is optional. */
export function enableCompileCache(
  env: Readonly<Record<string, string | undefined>>,
  api: CompileCacheApi = nodeModule as CompileCacheApi,
): boolean {
  if (typeof api.enableCompileCache !== 'function') return false;
  const dir = compileCacheDir(env);
  try {
    if (dir === undefined) api.enableCompileCache();
    else api.enableCompileCache(dir);
  } catch {
    // A folder that cannot be created only costs the speed-up: Node reports failures in the returned
    // status rather than throwing, but a start-up must not depend on that.
    return false;
  }
  return true;
}
