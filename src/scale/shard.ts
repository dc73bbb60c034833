/**
 * Shards: which slice of a selected test list one process runs. vmunit does not schedule machines; it
 * splits cleanly so CI engines (GitLab `parallel:`, GitHub matrices, Kubernetes Indexed Jobs) can fan it
 * out, and `vmunit merge` can tell from each record what is missing.
 *
 * Pure: the shard comes from flags and environment variables given as data, and the partition from names
 * and durations. Partitions never depend on list order (names are sorted first), so re-ordering the
 * unittests.cfg or a suite list gives every shard the same tests.
 */

import { VmunitError } from '../util/errors.js';

/** One shard of N, 1-based, and where that came from (for messages and the record). */
export interface Shard {
  readonly index: number;
  readonly total: number;
  /** `--shard`, `CI_NODE_INDEX/CI_NODE_TOTAL`, `JOB_COMPLETION_INDEX`. */
  readonly source: string;
}

/** The shard-related flags every sharding command takes. */
export interface ShardFlags {
  readonly shard?: string;
  readonly shardTotal?: string;
}

const usage = (message: string): VmunitError => new VmunitError('USAGE', message);

function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw usage(`${what} must be a positive integer, got '${text}'`);
  const n = Number(text.trim());
  if (n < 1) throw usage(`${what} must be a positive integer, got '${text}'`);
  return n;
}

/** `i/N` with 1 ≤ i ≤ N. */
export function parseShardFlag(text: string): { index: number; total: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw usage(`--shard takes i/N (1-based, e.g. 2/4), got '${text}'`);
  const index = Number(m[1]);
  const total = Number(m[2]);
  checkRange(index, total, `--shard ${text}`);
  return { index, total };
}

function checkRange(index: number, total: number, what: string): void {
  if (total < 1) throw usage(`${what}: the shard count must be at least 1`);
  if (index < 1 || index > total) throw usage(`${what}: shard index ${index} is outside 1..${total}`);
}

type Env = Readonly<Record<string, string | undefined>>;

const has = (env: Env, name: string): boolean => (env[name] ?? '') !== '';

/**
 * The shard this process runs, or undefined for the whole list. Sources, first match wins: `--shard i/N`;
 * GitLab's `CI_NODE_INDEX`/`CI_NODE_TOTAL` (1-based); Kubernetes' `JOB_COMPLETION_INDEX` (0-based) with
 * `--shard-total N` or `VMUNIT_SHARD_TOTAL`. Any total given elsewhere must agree: a shard that silently
 * runs the whole suite (or the wrong slice) is the failure mode CI labs hit, so disagreement is an error.
 */
export function resolveShard(flags: ShardFlags, env: Env): Shard | undefined {
  const totals = declaredTotals(flags, env);
  const shard = pickShard(flags, env, totals);
  if (shard === undefined) {
    const stray = totals.find((t) => t.total > 1);
    if (stray !== undefined) {
      throw usage(
        `${stray.source}=${stray.total} but no shard index (--shard i/N, CI_NODE_INDEX or JOB_COMPLETION_INDEX)`,
      );
    }
    return undefined;
  }
  for (const t of totals) {
    if (t.total !== shard.total) {
      throw usage(`${shard.source} says ${shard.total} shards but ${t.source}=${t.total}`);
    }
  }
  return shard;
}

interface DeclaredTotal {
  readonly source: string;
  readonly total: number;
}

/** Every shard count stated apart from `--shard` itself. */
function declaredTotals(flags: ShardFlags, env: Env): DeclaredTotal[] {
  const totals: DeclaredTotal[] = [];
  if (flags.shardTotal !== undefined) {
    totals.push({ source: '--shard-total', total: positiveInt(flags.shardTotal, '--shard-total') });
  }
  if (has(env, 'VMUNIT_SHARD_TOTAL')) {
    const total = positiveInt(env.VMUNIT_SHARD_TOTAL ?? '', 'VMUNIT_SHARD_TOTAL');
    totals.push({ source: 'VMUNIT_SHARD_TOTAL', total });
  }
  // GitLab sets CI_NODE_TOTAL=1 in every job without `parallel:`; that says nothing about sharding.
  if (has(env, 'CI_NODE_TOTAL') && (has(env, 'CI_NODE_INDEX') || env.CI_NODE_TOTAL !== '1')) {
    totals.push({ source: 'CI_NODE_TOTAL', total: positiveInt(env.CI_NODE_TOTAL ?? '', 'CI_NODE_TOTAL') });
  }
  return totals;
}

function pickShard(flags: ShardFlags, env: Env, totals: readonly DeclaredTotal[]): Shard | undefined {
  if (flags.shard !== undefined) return { ...parseShardFlag(flags.shard), source: '--shard' };
  if (has(env, 'CI_NODE_INDEX')) {
    const index = positiveInt(env.CI_NODE_INDEX ?? '', 'CI_NODE_INDEX');
    if (!has(env, 'CI_NODE_TOTAL')) throw usage(`CI_NODE_INDEX=${index} is set without CI_NODE_TOTAL`);
    const total = positiveInt(env.CI_NODE_TOTAL ?? '', 'CI_NODE_TOTAL');
    checkRange(index, total, `CI_NODE_INDEX=${index} CI_NODE_TOTAL=${total}`);
    return { index, total, source: 'CI_NODE_INDEX/CI_NODE_TOTAL' };
  }
  if (has(env, 'JOB_COMPLETION_INDEX')) {
    const text = env.JOB_COMPLETION_INDEX ?? '';
    if (!/^\d+$/.test(text)) throw usage(`JOB_COMPLETION_INDEX must be an integer, got '${text}'`);
    const first = totals.find((t) => t.source !== 'CI_NODE_TOTAL');
    if (first === undefined) {
      throw usage(
        `JOB_COMPLETION_INDEX=${text} needs the shard count: --shard-total N or VMUNIT_SHARD_TOTAL`,
      );
    }
    const index = Number(text) + 1;
    checkRange(
      index,
      first.total,
      `JOB_COMPLETION_INDEX=${text} (0-based) with ${first.source}=${first.total}`,
    );
    return { index, total: first.total, source: 'JOB_COMPLETION_INDEX' };
  }
  return undefined;
}

/** Code-unit order, so every machine and locale sorts the same way. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Splits `names` into `total` groups; each group keeps the input order. Without durations: round-robin
 * over the sorted names. With durations: longest first into the least-loaded shard (ties: lowest index);
 * a test without a recorded duration counts as the mean of the known ones, so new tests spread out.
 */
export function partition(
  names: readonly string[],
  total: number,
  durations?: ReadonlyMap<string, number>,
): string[][] {
  const unique = [...new Set(names)];
  const sorted = [...unique].sort(byName);
  const owner = new Map<string, number>();
  const known = durations === undefined ? [] : unique.flatMap((n) => durations.get(n) ?? []);
  if (durations === undefined || known.length === 0) {
    sorted.forEach((name, i) => {
      owner.set(name, i % total);
    });
  } else {
    const mean = known.reduce((a, b) => a + b, 0) / known.length;
    const cost = (n: string): number => durations.get(n) ?? mean;
    const longestFirst = [...sorted].sort((a, b) => cost(b) - cost(a) || byName(a, b));
    const load = new Array<number>(total).fill(0);
    for (const name of longestFirst) {
      let best = 0;
      for (let s = 1; s < total; s++) if ((load[s] ?? 0) < (load[best] ?? 0)) best = s;
      owner.set(name, best);
      load[best] = (load[best] ?? 0) + cost(name);
    }
  }
  const groups = Array.from({ length: total }, (): string[] => []);
  for (const name of unique) groups[owner.get(name) ?? 0]?.push(name);
  return groups;
}

/** The names of one shard, in input order. */
export function shardNames(
  names: readonly string[],
  shard: { readonly index: number; readonly total: number },
  durations?: ReadonlyMap<string, number>,
): string[] {
  return partition(names, shard.total, durations)[shard.index - 1] ?? [];
}
