/**
 * The options that cut a selected test list down before a run, shared by every command that runs a list
 * (`run`, `kunit exec --run_isolated`, `test`, `standalone`, `install`, `lava-job`):
 * `--failed RESULTS` (only what failed in a record), then `--shard i/N` / CI variables (one shard of what
 * is left, balanced with `--durations RESULTS`). The full list is what every shard partitions, so it is
 * computed before either, after selection and nodefault expansion.
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ShardInfo, Verdict } from '../../record/types.js';
import type { Shard } from '../../scale/shard.js';
import type { CliContext } from '../context.js';

export interface SliceFlags {
  readonly shard?: string;
  readonly shardTotal?: string;
  readonly durations?: string;
  readonly failed?: string;
}

export interface Slice {
  /** What this process runs, in the list's order. */
  readonly names: readonly string[];
  /** Set when the list was sharded: the record notes it, and `--list` prints only this shard. */
  readonly shard?: Shard;
  readonly info?: ShardInfo;
}

/** Verdicts `--failed` re-runs. */
const RERUN: ReadonlySet<Verdict> = new Set(['FAIL', 'ERROR', 'MISS']);

/** Adds --shard, --shard-total, --durations and --failed to a command. */
export function addSliceOptions(cmd: Command, what = 'tests'): Command {
  return cmd
    .option(
      '--shard <i/N>',
      `run only shard i of N of the ${what} (1-based; default: CI_NODE_INDEX/CI_NODE_TOTAL)`,
    )
    .option('--shard-total <N>', 'shard count for a 0-based JOB_COMPLETION_INDEX (or VMUNIT_SHARD_TOTAL)')
    .option('--durations <results>', 'balance shards by the durations in this results folder or record')
    .option('--failed <results>', `only the ${what} that failed in this results folder or record`);
}

// Records and the partitioner load when a slice is asked for: every command that runs a list registers
// these options, and most runs use none of them.
const recordReader = () => import('../../record/read.js');
const sharding = () => import('../../scale/shard.js');

async function failedNames(path: string, ctx: CliContext): Promise<Set<string>> {
  const { readRecord } = await recordReader();
  const record = await readRecord(resolve(ctx.cwd, path));
  return new Set(record.tests.filter((t) => RERUN.has(t.verdict)).map((t) => t.name));
}

/**
 * Every test of the record with its duration; one that took no time (a selection SKIP records none) counts
 * 0, so only tests the record lacks are estimated (partition() gives them the mean).
 */
async function durationsOf(path: string, ctx: CliContext): Promise<Map<string, number>> {
  const { readRecord } = await recordReader();
  const record = await readRecord(resolve(ctx.cwd, path));
  return new Map(record.tests.map((t) => [t.name, t.durationMs ?? 0]));
}

/**
 * The part of `list` this process runs. Usage errors (bad shard, disagreeing CI variables) throw.
 * `keyOf` maps an entry to the record test it produces (a KUnit boot glob `suite.test*` → `suite`).
 */
export async function sliceList(
  list: readonly string[],
  flags: SliceFlags,
  ctx: CliContext,
  keyOf: (name: string) => string = (name) => name,
): Promise<Slice> {
  let names = [...list];
  const { partition, resolveShard } = await sharding();
  if (flags.failed !== undefined) {
    const failed = await failedNames(flags.failed, ctx);
    names = names.filter((n) => failed.has(keyOf(n)));
  }
  const shard = resolveShard(flags, ctx.env);
  if (shard === undefined) return { names };
  const durations = flags.durations === undefined ? undefined : await durationsOf(flags.durations, ctx);
  const groups = partition(names, shard.total, durations);
  const owner = new Map(groups.flatMap((g, i) => g.map((n) => [n, i + 1] as const)));
  const info: ShardInfo = {
    index: shard.index,
    total: shard.total,
    list: names,
    assignment: names.map((n) => owner.get(n) ?? 0),
  };
  return { names: groups[shard.index - 1] ?? [], shard, info };
}

/** `--list` output for a slice: one name a line. */
export function formatSlice(slice: Slice): string {
  return slice.names.map((n) => `${n}\n`).join('');
}

/**
 * `standalone`/`install`: the unittests.cfg entries (or the names given) of this shard. `undefined` means
 * "not sliced" (every entry); an empty list means this shard has nothing to write.
 */
export async function sliceCfgNames(
  treeDir: string,
  tests: readonly string[],
  flags: SliceFlags,
  ctx: CliContext,
): Promise<readonly string[] | undefined> {
  const { resolveShard } = await sharding();
  if (flags.failed === undefined && resolveShard(flags, ctx.env) === undefined) return undefined;
  const { readTreeSelection } = await import('../../guest/tree-select.js');
  const { specs } = await readTreeSelection({ dir: treeDir, env: ctx.env, tests, groups: [], all: true });
  const full = tests.length > 0 ? tests : specs.map((s) => s.name);
  return (await sliceList(full, flags, ctx)).names;
}
