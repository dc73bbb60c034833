/**
 * What an isolated run keeps in the build dir for the next one (`<build_dir>/vmunit-isolated.json`): the
 * duration of each boot by glob (to start the longest first), the tests each listing boot printed, by the
 * arguments that shaped it (to start the predicted boots while the next listing runs), and the timeline
 * of the last run (read by bench/kunit-isolated to say where the time went). A missing or unreadable file
 * only makes the next run start cold.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { actionArg, bootCommand } from './boot-session.js';
import type { ExecRequest } from './types.js';

/** One boot of the last run, times relative to the start of the listing boot. */
export interface BootTiming {
  /** The filter glob, or `(listing)` for the listing boot. */
  readonly glob: string;
  readonly startMs: number;
  readonly ms: number;
  /** Started from the previous listing, before this run's listing was known. */
  readonly predicted: boolean;
  /** Stopped because the listing did not hold it (its time was wasted). */
  readonly cancelled: boolean;
}

export interface IsolatedCache {
  readonly times: Map<string, number>;
  readonly listings: Map<string, readonly string[]>;
  last?: { readonly jobs: number; readonly wallMs: number; readonly boots: readonly BootTiming[] };
}

export function isolatedCachePath(buildDir: string): string {
  return join(buildDir, 'vmunit-isolated.json');
}

function stringMap<T>(value: unknown, keep: (v: unknown) => v is T): Map<string, T> {
  if (typeof value !== 'object' || value === null) return new Map();
  return new Map(Object.entries(value).filter((e): e is [string, T] => keep(e[1])));
}

const isNumber = (v: unknown): v is number => typeof v === 'number';
const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

export async function loadIsolatedCache(buildDir: string): Promise<IsolatedCache> {
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(await readFile(isolatedCachePath(buildDir), 'utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null) data = parsed as Record<string, unknown>;
  } catch {
    // Cold start.
  }
  return { times: stringMap(data.times, isNumber), listings: stringMap(data.listings, isNames) };
}

export async function saveIsolatedCache(buildDir: string, cache: IsolatedCache): Promise<void> {
  const doc = {
    times: Object.fromEntries(cache.times),
    listings: Object.fromEntries(cache.listings),
    ...(cache.last === undefined ? {} : { last: cache.last }),
  };
  await writeFile(isolatedCachePath(buildDir), `${JSON.stringify(doc, null, 1)}\n`);
}

/** What the listing boot's output depends on besides the kernel: its whole command line. */
export function listingKey(req: ExecRequest): string {
  const argv = bootCommand(req, { filterGlob: req.filterGlob, leadingArgs: [actionArg('list')] });
  return [argv.file, ...argv.args].join(' ');
}
